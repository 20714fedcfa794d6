package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AllocationPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanismType;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.CustomAllocationDefinition;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceCapabilities;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceRegistrationState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ReprovisionPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientUnathorizedException;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import io.github.iothubquickstart.localhub.provisioning.DerivedKeys;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The unmodified {@code ProvisioningServiceClient}, built from the hub's provisioning connection string as it is
 * (port 443: the SDK takes no other), manages the hub's Device Provisioning Service: individual enrollments and
 * enrollment groups (create, read, update with ETag, delete, bulk, paged queries), registration states of a device
 * that registered with the unmodified {@code ProvisioningDeviceClient}; and it is refused with the hub's own keys.
 * The first five tests are those of the SDK's own end-to-end suite ({@code ProvisioningServiceClientTests}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisioningServiceClientEndToEndTest {
    // TestHub makes HttpsURLConnection, which the provisioning service SDK uses, trust the hub's CA.
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static ProvisioningServiceClient client;

    @BeforeAll
    static void startHubOn443() {
        client = new ProvisioningServiceClient(hub.hub.provisioningServiceConnectionString());
    }

    @Test
    void individualEnrollmentGetAttestationMechanismSymmetricKey() throws Exception {
        client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("sdk-symmetric",
                new SymmetricKeyAttestation("", "")));

        AttestationMechanism mechanism = client.getIndividualEnrollmentAttestationMechanism("sdk-symmetric");

        assertThat(mechanism.getType()).isEqualTo(AttestationMechanismType.SYMMETRIC_KEY);
        SymmetricKeyAttestation keys = (SymmetricKeyAttestation) mechanism.getAttestation();
        assertThat(Base64.getDecoder().decode(keys.getPrimaryKey())).hasSize(32);
        assertThat(Base64.getDecoder().decode(keys.getSecondaryKey())).hasSize(32);
        assertThat(keys.getPrimaryKey()).isNotEqualTo(keys.getSecondaryKey());
    }

    @Test
    void individualEnrollmentGetAttestationMechanismX509() throws Exception {
        X509Certificate certificate = ClientCertificates.selfSigned("sdk-x509",
                Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(1, ChronoUnit.DAYS)).certificate();
        client.createOrUpdateIndividualEnrollment(new IndividualEnrollment("sdk-x509",
                X509Attestation.createFromClientCertificates(pem(certificate))));

        AttestationMechanism mechanism = client.getIndividualEnrollmentAttestationMechanism("sdk-x509");

        assertThat(mechanism.getType()).isEqualTo(AttestationMechanismType.X509);
        X509Attestation x509 = (X509Attestation) mechanism.getAttestation();
        assertThat(x509.getClientCertificates().getPrimary().getInfo().getSubjectName()).contains("sdk-x509");
        assertThat(x509.getPrimaryX509CertificateInfo().getSha1Thumbprint())
                .isEqualToIgnoringCase(ClientCertificates.sha1Thumbprint(certificate));
    }

    @Test
    void enrollmentGroupGetAttestationMechanismSymmetricKey() throws Exception {
        client.createOrUpdateEnrollmentGroup(new EnrollmentGroup("sdk-group-keys", new SymmetricKeyAttestation("", "")));

        AttestationMechanism mechanism = client.getEnrollmentGroupAttestationMechanism("sdk-group-keys");

        assertThat(mechanism.getType()).isEqualTo(AttestationMechanismType.SYMMETRIC_KEY);
        SymmetricKeyAttestation keys = (SymmetricKeyAttestation) mechanism.getAttestation();
        assertThat(keys.getPrimaryKey()).isNotEmpty();
        assertThat(keys.getSecondaryKey()).isNotEmpty();
    }

    @Test
    void createdEnrollmentGroupMatchesSentEnrollmentGroup() throws Exception {
        EnrollmentGroup sent = new EnrollmentGroup("sdk-group-settings", new SymmetricKeyAttestation("", ""));
        sent.setAllocationPolicy(AllocationPolicy.CUSTOM);
        CustomAllocationDefinition custom = new CustomAllocationDefinition();
        custom.setApiVersion("2018-09-01-preview");
        custom.setWebhookUrl("https://www.microsoft.com");
        sent.setCustomAllocationDefinition(custom);
        ReprovisionPolicy reprovision = new ReprovisionPolicy();
        reprovision.setUpdateHubAssignment(true);
        reprovision.setMigrateDeviceData(false);
        sent.setReprovisionPolicy(reprovision);
        DeviceCapabilities capabilities = new DeviceCapabilities();
        capabilities.setIotEdge(true);
        sent.setCapabilities(capabilities);

        EnrollmentGroup returned = client.createOrUpdateEnrollmentGroup(sent);

        assertThat(returned.getEnrollmentGroupId()).isEqualTo("sdk-group-settings");
        assertThat(returned.getReprovisionPolicy().getMigrateDeviceData()).isFalse();
        assertThat(returned.getReprovisionPolicy().getUpdateHubAssignment()).isTrue();
        assertThat(returned.getCapabilities().isIotEdge()).isTrue();
        assertThat(returned.getAttestation()).isInstanceOf(SymmetricKeyAttestation.class);
        assertThat(returned.getAllocationPolicy()).isEqualTo(AllocationPolicy.CUSTOM);
        assertThat(returned.getCustomAllocationDefinition().getApiVersion()).isEqualTo("2018-09-01-preview");
        assertThat(returned.getCustomAllocationDefinition().getWebhookUrl()).isEqualTo("https://www.microsoft.com");
    }

    @Test
    void createdIndividualEnrollmentMatchesSentIndividualEnrollment() throws Exception {
        IndividualEnrollment sent = new IndividualEnrollment("sdk-individual-settings",
                new SymmetricKeyAttestation("", ""));
        sent.setAllocationPolicy(AllocationPolicy.GEOLATENCY);
        sent.setDeviceId("settings-device");
        TwinCollection tags = new TwinCollection();
        tags.put("site", "lab-3");
        TwinCollection desired = new TwinCollection();
        desired.put("interval", 7);
        sent.setInitialTwin(new TwinState(tags, desired));
        DeviceCapabilities capabilities = new DeviceCapabilities();
        capabilities.setIotEdge(true);
        sent.setCapabilities(capabilities);

        IndividualEnrollment returned = client.createOrUpdateIndividualEnrollment(sent);

        assertThat(returned.getRegistrationId()).isEqualTo("sdk-individual-settings");
        assertThat(returned.getDeviceId()).isEqualTo("settings-device");
        assertThat(returned.getCapabilities().isIotEdge()).isTrue();
        assertThat(returned.getAllocationPolicy()).isEqualTo(AllocationPolicy.GEOLATENCY);
        assertThat(returned.getProvisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
        assertThat(returned.getInitialTwin().getTags()).containsEntry("site", "lab-3");
        assertThat(((Number) returned.getInitialTwin().getDesiredProperties().get("interval")).intValue()).isEqualTo(7);
        assertThat(returned.getEtag()).isNotEmpty();
        assertThat(returned.getCreatedDateTimeUtc()).isNotNull();
    }

    @Test
    void anUpdateWithTheCurrentEtagWinsAndOneWithAStaleEtagIsRefused() throws Exception {
        IndividualEnrollment created = client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("etag-rules", new SymmetricKeyAttestation("", "")));
        IndividualEnrollment read = client.getIndividualEnrollment("etag-rules");
        assertThat(read.getEtag()).isEqualTo(created.getEtag());

        read.setProvisioningStatus(ProvisioningStatus.DISABLED);
        IndividualEnrollment updated = client.createOrUpdateIndividualEnrollment(read);

        assertThat(updated.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
        assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());
        assertThat(updated.getCreatedDateTimeUtc()).isEqualTo(created.getCreatedDateTimeUtc());
        // The keys DPS generated stay: the update sent them back as read.
        assertThat(((SymmetricKeyAttestation) updated.getAttestation()).getPrimaryKey())
                .isEqualTo(((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey());
        created.setProvisioningStatus(ProvisioningStatus.ENABLED);
        assertThatThrownBy(() -> client.createOrUpdateIndividualEnrollment(created))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
        assertThatThrownBy(() -> client.deleteIndividualEnrollment("etag-rules", created.getEtag()))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
        assertThat(client.getIndividualEnrollment("etag-rules").getProvisioningStatus())
                .isEqualTo(ProvisioningStatus.DISABLED);

        client.deleteIndividualEnrollment(updated);

        assertThatThrownBy(() -> client.getIndividualEnrollment("etag-rules"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class)
                .hasMessageContaining("404201");
    }

    @Test
    void anUnknownEnrollmentGroupIsNotFoundWithDpsErrorCode() throws Exception {
        client.createOrUpdateEnrollmentGroup(new EnrollmentGroup("short-lived-group", new SymmetricKeyAttestation("", "")));
        client.deleteEnrollmentGroup("short-lived-group");

        assertThatThrownBy(() -> client.getEnrollmentGroup("short-lived-group"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class)
                .hasMessageContaining("404204");
        assertThatThrownBy(() -> client.deleteEnrollmentGroup("short-lived-group"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    @Test
    void bulkCreateReportsEachEnrollmentThatAlreadyExistsAndBulkDeleteRemovesThem() throws Exception {
        List<IndividualEnrollment> pair = List.of(
                new IndividualEnrollment("bulk-1", new SymmetricKeyAttestation("", "")),
                new IndividualEnrollment("bulk-2", new SymmetricKeyAttestation("", "")));

        BulkEnrollmentOperationResult created = client.runBulkEnrollmentOperation(BulkOperationMode.CREATE, pair);
        BulkEnrollmentOperationResult again = client.runBulkEnrollmentOperation(BulkOperationMode.CREATE,
                List.of(new IndividualEnrollment("bulk-1", new SymmetricKeyAttestation("", "")),
                        new IndividualEnrollment("bulk-3", new SymmetricKeyAttestation("", ""))));

        assertThat(created.getSuccessful()).isTrue();
        assertThat(created.getErrors()).isEmpty();
        assertThat(client.getIndividualEnrollment("bulk-2").getRegistrationId()).isEqualTo("bulk-2");
        assertThat(again.getSuccessful()).isFalse();
        assertThat(again.getErrors()).singleElement().satisfies(error -> {
            assertThat(error.getRegistrationId()).isEqualTo("bulk-1");
            assertThat(error.getErrorCode()).isEqualTo(409201);
        });
        assertThat(client.getIndividualEnrollment("bulk-3").getRegistrationId()).isEqualTo("bulk-3");

        BulkEnrollmentOperationResult deleted = client.runBulkEnrollmentOperation(BulkOperationMode.DELETE,
                List.of(new IndividualEnrollment("bulk-1", new SymmetricKeyAttestation("", "")),
                        new IndividualEnrollment("bulk-2", new SymmetricKeyAttestation("", "")),
                        new IndividualEnrollment("bulk-3", new SymmetricKeyAttestation("", ""))));

        assertThat(deleted.getSuccessful()).isTrue();
        assertThatThrownBy(() -> client.getIndividualEnrollment("bulk-2"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    @Test
    void aQueryPagesThroughEveryEnrollmentGroupOnce() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "paged-group-" + i;
            client.createOrUpdateEnrollmentGroup(new EnrollmentGroup(id, new SymmetricKeyAttestation("", "")));
            created.add(id);
        }

        Query query = client.createEnrollmentGroupQuery(new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).createSqlQuery(), 2);
        List<String> seen = new ArrayList<>();
        int pages = 0;
        while (query.hasNext()) {
            QueryResult page = query.next();
            pages++;
            assertThat(page.getItems().length).isLessThanOrEqualTo(2);
            for (Object item : page.getItems()) {
                seen.add(((EnrollmentGroup) item).getEnrollmentGroupId());
            }
        }

        assertThat(seen).containsAll(created).doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRegisteredDeviceHasARegistrationStateToReadListAndDelete() throws Exception {
        EnrollmentGroup group = client.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup("state-group", new SymmetricKeyAttestation("", "")));
        String groupKey = ((SymmetricKeyAttestation) group.getAttestation()).getPrimaryKey();
        String registrationId = "state-member";
        ProvisioningDeviceClientRegistrationResult registered = ProvisioningDeviceClient.create(hub.hub.hostName(),
                hub.hub.idScope(), ProvisioningDeviceClientTransportProtocol.MQTT,
                new HubTrustingSymmetricKey(DerivedKeys.derive(groupKey, registrationId), registrationId,
                        TrustedCa.trustingOnly(hub.hub.caCertificateFile()))).registerDeviceSync(60);
        assertThat(registered.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);

        DeviceRegistrationState state = client.getDeviceRegistrationState(registrationId);
        Query query = client.createEnrollmentGroupRegistrationStateQuery(new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).createSqlQuery(), "state-group");
        QueryResult page = query.next();

        assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(state.getAssignedHub()).isEqualTo(hub.hub.hostName());
        assertThat(state.getDeviceId()).isEqualTo(registrationId);
        assertThat(page.getItems()).singleElement()
                .satisfies(item -> assertThat(((DeviceRegistrationState) item).getRegistrationId())
                        .isEqualTo(registrationId));
        assertThat(query.hasNext()).isFalse();

        client.deleteDeviceRegistrationState(state);

        assertThatThrownBy(() -> client.getDeviceRegistrationState(registrationId))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        // As in DPS, the device identity it created stays in the hub's registry.
        assertThat(hub.hub.identity().registry().findDevice(registrationId)).isPresent();
    }

    @Test
    void anIndividualEnrollmentShowsItsDevicesRegistrationOnceRegistered() throws Exception {
        IndividualEnrollment enrollment = client.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("registered-individual", new SymmetricKeyAttestation("", "")));
        assertThat(enrollment.getDeviceRegistrationState()).isNull();
        String key = ((SymmetricKeyAttestation) enrollment.getAttestation()).getPrimaryKey();

        ProvisioningDeviceClient.create(hub.hub.hostName(), hub.hub.idScope(),
                ProvisioningDeviceClientTransportProtocol.MQTT, new HubTrustingSymmetricKey(key, "registered-individual",
                        TrustedCa.trustingOnly(hub.hub.caCertificateFile()))).registerDeviceSync(60);

        DeviceRegistrationState state = client.getIndividualEnrollment("registered-individual")
                .getDeviceRegistrationState();
        assertThat(state.getStatus()).isEqualTo(EnrollmentStatus.ASSIGNED);
        assertThat(state.getDeviceId()).isEqualTo("registered-individual");
        assertThat(state.getAssignedHub()).isEqualTo(hub.hub.hostName());
    }

    @Test
    void theCliPrintsAConnectionStringTheSdkUsesAsItIsAndItsEnrollmentsReachTheRunningHub() throws Exception {
        String printed = cli("connection-string", "--provisioning").get(0);
        assertThat(cli("enrollment", "create", "--registration-id", "cli-enrolled", "--desired", "{\"interval\":9}"))
                .anyMatch(line -> line.startsWith("idScope:        " + hub.hub.idScope()));

        IndividualEnrollment enrollment = new ProvisioningServiceClient(printed).getIndividualEnrollment("cli-enrolled");

        assertThat(printed).isEqualTo(hub.hub.provisioningServiceConnectionString());
        assertThat(((Number) enrollment.getInitialTwin().getDesiredProperties().get("interval")).intValue()).isEqualTo(9);
        assertThat(cli("connection-string", "--id-scope")).containsExactly(hub.hub.idScope());
    }

    /** The CLI's standard output lines, run beside the hub on its data directory. */
    private static List<String> cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        List<String> withDataDirectory = new ArrayList<>(List.of(args));
        withDataDirectory.addAll(List.of("--data-dir", hub.dataDirectory().toString()));
        assertThat(commandLine.execute(withDataDirectory.toArray(String[]::new))).as(String.join(" ", args)).isZero();
        return out.toString().lines().toList();
    }

    @Test
    void theHubsOwnPolicyDoesNotOpenTheProvisioningService() {
        SharedAccessPolicy hubOwner = hub.hub.identity().registry().findPolicy("iothubowner").orElseThrow();
        ProvisioningServiceClient withHubKey = new ProvisioningServiceClient("HostName=" + hub.hub.hostName()
                + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + hubOwner.primaryKey());
        String dpsKey = hub.hub.provisioningServiceConnectionString().replaceAll(".*SharedAccessKey=", "");
        ProvisioningServiceClient wrongKey = new ProvisioningServiceClient("HostName=" + hub.hub.hostName()
                + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=" + hubOwner.primaryKey());

        assertThatThrownBy(() -> withHubKey.getIndividualEnrollment("sdk-symmetric"))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class)
                .hasMessageContaining("401002");
        assertThatThrownBy(() -> wrongKey.getIndividualEnrollment("sdk-symmetric"))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
        assertThat(dpsKey).isNotEqualTo(hubOwner.primaryKey());
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** The device SDK's extension point for TLS: a security provider's SSLContext, here trusting the hub's CA only. */
    private static final class HubTrustingSymmetricKey extends SecurityProviderSymmetricKey {
        private final SSLContext trustHubCa;

        HubTrustingSymmetricKey(String key, String registrationId, SSLContext trustHubCa) {
            super(key.getBytes(StandardCharsets.UTF_8), registrationId);
            this.trustHubCa = trustHubCa;
        }

        @Override
        public SSLContext getSSLContext() {
            return trustHubCa;
        }
    }
}
