package io.github.iothubquickstart.localhub.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.AttestationType;
import io.github.iothubquickstart.localhub.provisioning.DerivedKeys;
import io.github.iothubquickstart.localhub.provisioning.DeviceCapabilities;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentRules;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.InitialTwin;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.provisioning.X509Attestation;
import io.github.iothubquickstart.localhub.provisioning.X509CaReferences;
import io.github.iothubquickstart.localhub.provisioning.X509Certificates;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code local-hub enrollment create|list|show|delete|derive-key}: the Device Provisioning Service's enrollments,
 * with or without a running hub (the enrollments are in the data directory, which a running hub reads at once).
 */
@Command(name = "enrollment", mixinStandardHelpOptions = true,
        description = "Manage the Device Provisioning Service's enrollments (individual, or groups).",
        subcommands = {EnrollmentCommand.Create.class, EnrollmentCommand.ListEnrollments.class,
                EnrollmentCommand.Show.class, EnrollmentCommand.Delete.class, EnrollmentCommand.DeriveKey.class})
final class EnrollmentCommand {
    @Spec
    CommandSpec spec;

    /** An individual enrollment's registration id, or an enrollment group's id: one of them. */
    static final class Target {
        @Option(names = "--registration-id", paramLabel = "ID", required = true,
                description = "An individual enrollment: the device's registration id.")
        String registrationId;

        @Option(names = "--group-id", paramLabel = "ID", required = true, description = "An enrollment group.")
        String groupId;
    }

    <T> T withProvisioning(DataDirectoryOption dataDirectory, ProvisioningAction<T> action) throws Exception {
        Path data = dataDirectory.resolve();
        try (HubIdentity identity = HubIdentity.openOrCreate(data, List.of(), Clock.systemUTC())) {
            ProvisioningService provisioning = new ProvisioningService(identity.provisioning(), identity.idScope(),
                    Clock.systemUTC());
            String hostName = ConnectionTarget.of(data, LocalHubFinder.running(data), null, null).hostName();
            return action.apply(provisioning, hostName, spec.commandLine().getOut());
        }
    }

    interface ProvisioningAction<T> {
        T apply(ProvisioningService provisioning, String hostName, PrintWriter out) throws Exception;
    }

    static void print(IndividualEnrollment enrollment, PrintWriter out) {
        out.println("registrationId: " + enrollment.registrationId());
        out.println("deviceId:       " + enrollment.assignedDeviceId());
        printSettings(enrollment.settings(), "primaryKey:     ", "secondaryKey:   ", out);
    }

    static void print(EnrollmentGroup group, PrintWriter out) {
        out.println("groupId:        " + group.enrollmentGroupId());
        printSettings(group.settings(), "groupKey:       ", "secondaryKey:   ", out);
    }

    private static void printSettings(EnrollmentSettings settings, String primaryLabel, String secondaryLabel,
                                      PrintWriter out) {
        out.println("status:         " + settings.provisioningStatus().wireName());
        Attestation attestation = settings.attestation();
        out.println("attestation:    " + describe(attestation));
        if (attestation.type() == AttestationType.SYMMETRIC_KEY) {
            out.println(primaryLabel + attestation.symmetricKey().primaryKey());
            out.println(secondaryLabel + attestation.symmetricKey().secondaryKey());
        }
        if (settings.capabilities().iotEdge()) {
            out.println("iotEdge:        true");
        }
        InitialTwin twin = settings.initialTwin();
        if (twin.tags() != null) {
            out.println("tags:           " + twin.tags());
        }
        if (twin.desiredProperties() != null) {
            out.println("desired:        " + twin.desiredProperties());
        }
    }

    private static String describe(Attestation attestation) {
        if (attestation.type() == AttestationType.SYMMETRIC_KEY) {
            return "symmetric key";
        }
        X509Attestation x509 = attestation.x509();
        if (x509.caReferences() != null) {
            return "X.509, signed by CA certificate " + x509.caReferences().primary();
        }
        return x509.signingCertificates() != null ? "X.509, signed by the group's signing certificate"
                : "X.509, the device's own certificate";
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Enroll a device (--registration-id) or a group of devices (--group-id), with a symmetric"
                    + " key (generated unless given) or X.509 certificates; prints what a device needs to register."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        EnrollmentCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--device-id", paramLabel = "ID",
                description = "Individual: the device id to create (default: the registration id).")
        String deviceId;

        @Option(names = "--symmetric-key", paramLabel = "BASE64",
                description = "The primary key (the group key for a group; default: generated).")
        String symmetricKey;

        @Option(names = "--certificate", paramLabel = "PEM",
                description = "Individual X.509: the device's certificate file (its CN is the registration id).")
        Path certificate;

        @Option(names = "--ca-certificate", paramLabel = "NAME",
                description = "Group X.509: devices' certificates are signed by this CA, added with 'ca-certificate add'.")
        String caCertificate;

        @Option(names = "--signing-certificate", paramLabel = "PEM",
                description = "Group X.509: devices' certificates are signed by this root or intermediate (file).")
        Path signingCertificate;

        @Option(names = "--disabled", description = "Enroll it disabled: its devices are refused until enabled.")
        boolean disabled;

        @Option(names = "--iot-edge", description = "Devices it creates are IoT Edge devices.")
        boolean iotEdge;

        @Option(names = "--tags", paramLabel = "JSON", description = "The initial twin's tags, a JSON object.")
        String tags;

        @Option(names = "--desired", paramLabel = "JSON",
                description = "The initial twin's desired properties, a JSON object.")
        String desired;

        @Override
        public Integer call() throws Exception {
            boolean group = target.groupId != null;
            EnrollmentSettings settings = EnrollmentSettings.of(attestation(group))
                    .withProvisioningStatus(disabled ? ProvisioningStatus.DISABLED : ProvisioningStatus.ENABLED)
                    .withCapabilities(new DeviceCapabilities(iotEdge))
                    .withInitialTwin(new InitialTwin(jsonObject("--tags", tags), jsonObject("--desired", desired)));
            EnrollmentSettings complete = EnrollmentRules.complete(settings, group);
            return parent.withProvisioning(dataDirectory, (provisioning, hostName, out) -> {
                if (group) {
                    EnrollmentGroup created = provisioning.putEnrollmentGroup(target.groupId, complete, null);
                    out.println("Created enrollment group " + created.enrollmentGroupId() + ".");
                    print(created, out);
                    printGroupInstructions(created, provisioning.idScope(), hostName, out);
                } else {
                    IndividualEnrollment created = provisioning.putIndividualEnrollment(target.registrationId,
                            deviceId, complete, null);
                    out.println("Created individual enrollment " + created.registrationId() + ".");
                    print(created, out);
                    printIndividualInstructions(created, provisioning.idScope(), hostName, out);
                }
                return 0;
            });
        }

        private Attestation attestation(boolean group) throws IOException {
            boolean x509 = certificate != null || caCertificate != null || signingCertificate != null;
            if (x509 && symmetricKey != null) {
                throw new IllegalArgumentException("--symmetric-key does not go with X.509 certificates");
            }
            if (group && certificate != null) {
                throw new IllegalArgumentException("--certificate is an individual enrollment's: a group takes"
                        + " --ca-certificate or --signing-certificate");
            }
            if (!group && (caCertificate != null || signingCertificate != null)) {
                throw new IllegalArgumentException("--ca-certificate and --signing-certificate are a group's: an"
                        + " individual enrollment takes --certificate");
            }
            if (caCertificate != null && signingCertificate != null) {
                throw new IllegalArgumentException("give --ca-certificate or --signing-certificate, not both");
            }
            if (group && deviceId != null) {
                throw new IllegalArgumentException("--device-id is an individual enrollment's: a group's devices are"
                        + " named by their registration ids");
            }
            if (certificate != null) {
                return Attestation.x509(X509Attestation.clientCertificates(
                        new X509Certificates(readPem(certificate), null)));
            }
            if (signingCertificate != null) {
                return Attestation.x509(X509Attestation.signingCertificates(
                        new X509Certificates(readPem(signingCertificate), null)));
            }
            if (caCertificate != null) {
                return Attestation.x509(X509Attestation.caReferences(new X509CaReferences(caCertificate, null)));
            }
            return Attestation.symmetricKey(symmetricKey, null);
        }
    }

    static void printIndividualInstructions(IndividualEnrollment enrollment, String idScope, String hostName,
                                            PrintWriter out) {
        out.println("idScope:        " + idScope);
        out.println("A device registers with ProvisioningDeviceClient.create(\"" + hostName + "\", \"" + idScope
                + "\", protocol, security), its global endpoint being the hub's host, as registration id "
                + enrollment.registrationId() + (enrollment.settings().attestation().type() == AttestationType.X509
                ? " with its certificate and key." : " with the primary key."));
    }

    static void printGroupInstructions(EnrollmentGroup group, String idScope, String hostName, PrintWriter out) {
        out.println("idScope:        " + idScope);
        out.println("A device registers with ProvisioningDeviceClient.create(\"" + hostName + "\", \"" + idScope
                + "\", protocol, security), its global endpoint being the hub's host, as a registration id of its own"
                + (group.settings().attestation().type() == AttestationType.X509
                ? " (its certificate's CN) with a certificate signed as the group says."
                : " with the key derived from the group key: local-hub enrollment derive-key --group-id "
                + group.enrollmentGroupId() + " --registration-id <ID>"));
    }

    private static String readPem(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private static JsonObject jsonObject(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(option + " must be a JSON object, such as '{\"site\":\"lab\"}'");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List individual enrollments and groups.")
    static final class ListEnrollments implements Callable<Integer> {
        @ParentCommand
        EnrollmentCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Override
        public Integer call() throws Exception {
            return parent.withProvisioning(dataDirectory, (provisioning, hostName, out) -> {
                List<IndividualEnrollment> individual = provisioning.individualEnrollments();
                List<EnrollmentGroup> groups = provisioning.enrollmentGroups();
                if (individual.isEmpty() && groups.isEmpty()) {
                    out.println("No enrollments (ID scope " + provisioning.idScope() + ").");
                }
                for (IndividualEnrollment enrollment : individual) {
                    out.println("individual " + enrollment.registrationId() + " ("
                            + describe(enrollment.settings().attestation())
                            + (enrollment.settings().enabled() ? "" : ", disabled") + ")");
                }
                for (EnrollmentGroup group : groups) {
                    out.println("group " + group.enrollmentGroupId() + " (" + describe(group.settings().attestation())
                            + (group.settings().enabled() ? "" : ", disabled") + ")");
                }
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an enrollment, its keys and what a device needs to register.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        EnrollmentCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Override
        public Integer call() throws Exception {
            return parent.withProvisioning(dataDirectory, (provisioning, hostName, out) -> {
                if (target.groupId != null) {
                    EnrollmentGroup group = provisioning.enrollmentGroup(target.groupId).orElseThrow(
                            () -> ProvisioningErrors.enrollmentGroupNotFound("Enrollment group '" + target.groupId + "'"));
                    print(group, out);
                    printGroupInstructions(group, provisioning.idScope(), hostName, out);
                } else {
                    IndividualEnrollment enrollment = provisioning.individualEnrollment(target.registrationId)
                            .orElseThrow(() -> ProvisioningErrors.enrollmentNotFound(
                                    "Enrollment '" + target.registrationId + "'"));
                    print(enrollment, out);
                    printIndividualInstructions(enrollment, provisioning.idScope(), hostName, out);
                }
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an enrollment (devices it created stay in the registry, as in DPS).")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        EnrollmentCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Override
        public Integer call() throws Exception {
            return parent.withProvisioning(dataDirectory, (provisioning, hostName, out) -> {
                if (target.groupId != null) {
                    provisioning.deleteEnrollmentGroup(target.groupId, null);
                    out.println("Deleted enrollment group " + target.groupId + ".");
                } else {
                    provisioning.deleteIndividualEnrollment(target.registrationId, null);
                    out.println("Deleted individual enrollment " + target.registrationId + ".");
                }
                return 0;
            });
        }
    }

    @Command(name = "derive-key", mixinStandardHelpOptions = true,
            description = "Print the key a device of a symmetric key group registers with: HMAC-SHA256 of its"
                    + " registration id under the group key, as DPS checks it.")
    static final class DeriveKey implements Callable<Integer> {
        @ParentCommand
        EnrollmentCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Option(names = "--group-id", paramLabel = "ID", required = true)
        String groupId;

        @Option(names = "--registration-id", paramLabel = "ID", required = true)
        String registrationId;

        @Override
        public Integer call() throws Exception {
            return parent.withProvisioning(dataDirectory, (provisioning, hostName, out) -> {
                EnrollmentGroup group = provisioning.enrollmentGroup(groupId).orElseThrow(
                        () -> ProvisioningErrors.enrollmentGroupNotFound("Enrollment group '" + groupId + "'"));
                if (group.settings().attestation().type() != AttestationType.SYMMETRIC_KEY) {
                    throw new IllegalArgumentException("enrollment group " + groupId + " uses X.509 certificates,"
                            + " not keys");
                }
                out.println(DerivedKeys.derive(group.settings().attestation().symmetricKey().primaryKey(),
                        registrationId));
                return 0;
            });
        }
    }
}
