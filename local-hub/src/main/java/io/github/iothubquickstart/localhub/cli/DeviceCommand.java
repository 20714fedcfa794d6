package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.data.HubCommand;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.RequestedAuthentication;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code local-hub device create|list|show|delete}: the device registry, with or without a running hub. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Manage the hub's device registry.",
        subcommands = {DeviceCommand.Create.class, DeviceCommand.ListDevices.class, DeviceCommand.Show.class,
                DeviceCommand.Delete.class})
final class DeviceCommand {
    @Spec
    CommandSpec spec;

    /**
     * Opens the registry (creating the data directory on first use) for one command. The commands go through the
     * same {@link RegistryService} as the REST API; this process holds no device connections.
     */
    <T> T withRegistry(DataDirectoryOption dataDirectory, RegistryAction<T> action) throws Exception {
        try (HubIdentity identity = HubIdentity.openOrCreate(dataDirectory.resolve(), List.of(), Clock.systemUTC())) {
            RegistryService registry = new RegistryService(identity.registry(), DevicePresence.none());
            return action.apply(registry, spec.commandLine().getOut());
        }
    }

    interface RegistryAction<T> {
        T apply(RegistryService registry, PrintWriter out) throws Exception;
    }

    static void print(DeviceIdentity device, PrintWriter out) {
        out.println("deviceId:     " + device.deviceId());
        out.println("status:       " + (device.enabled() ? "enabled" : "disabled"));
        Authentication authentication = device.authentication();
        switch (authentication.type()) {
            case SAS -> {
                out.println("primaryKey:   " + device.primaryKey());
                out.println("secondaryKey: " + device.secondaryKey());
            }
            case SELF_SIGNED -> {
                out.println("auth:         selfSigned (X.509 certificate, registered by thumbprint)");
                printIfPresent(out, "primaryThumbprint:   ", authentication.primaryThumbprint());
                printIfPresent(out, "secondaryThumbprint: ", authentication.secondaryThumbprint());
            }
            case CERTIFICATE_AUTHORITY -> out.println("auth:         certificateAuthority (X.509 certificate with"
                    + " subject CN=" + device.deviceId() + ", signed by a CA from 'ca-certificate list')");
        }
        out.println("created:      " + device.createdAt());
    }

    private static void printIfPresent(PrintWriter out, String label, String value) {
        if (value != null) {
            out.println(label + value);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Register a device: with random keys (--auth sas, the default), with a new self-signed"
                    + " certificate (--auth x509-self-signed), or to connect with a certificate signed by a trusted CA"
                    + " (--auth x509-ca)."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID", description = "Up to 128 letters, digits and - . + %% _ # * ? ! ( ) , : = @ $ '")
        String deviceId;

        @Option(names = "--auth", paramLabel = "METHOD", defaultValue = "sas", converter = DeviceAuth.Converter.class,
                completionCandidates = DeviceAuth.Names.class,
                description = {"sas (default): two random symmetric keys.",
                        "x509-self-signed: a new EC P-256 key and a self-signed certificate with CN=DEVICE_ID, valid "
                                + SelfSignedDeviceCertificate.VALID_DAYS + " days (as az iot hub device-identity create"
                                + " --am x509_thumbprint); its SHA-1 thumbprint is registered, the files written to"
                                + " --output-dir.",
                        "x509-ca: no credential stored; the device connects with a certificate whose subject CN is"
                                + " DEVICE_ID, signed by a CA added with 'ca-certificate add'."})
        DeviceAuth auth;

        @Option(names = "--output-dir", paramLabel = "DIR",
                description = "With --auth x509-self-signed: where DEVICE_ID-cert.pem and DEVICE_ID-key.pem go"
                        + " (default: the current directory). Existing files are never overwritten.")
        Path outputDirectory;

        @Override
        public Integer call() throws Exception {
            if (outputDirectory != null && auth != DeviceAuth.X509_SELF_SIGNED) {
                throw new IllegalArgumentException("--output-dir goes with --auth x509-self-signed: only then are"
                        + " certificate files written");
            }
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                switch (auth) {
                    case SAS -> {
                        print(registry.create(deviceId, DeviceUpdate.enabledWithGeneratedKeys()).identity(), out);
                        out.println("Its connection string: " + HubCommand.name() + " connection-string --device "
                                + deviceId);
                    }
                    case X509_SELF_SIGNED -> new SelfSignedDeviceCertificate(
                            outputDirectory == null ? Path.of("") : outputDirectory, Clock.systemUTC())
                            .createAndRegister(deviceId, registry, out);
                    case X509_CA -> {
                        print(registry.create(deviceId, new DeviceUpdate(new RequestedAuthentication(
                                AuthenticationType.CERTIFICATE_AUTHORITY, null, null, null, null), true, null,
                                EdgeHierarchy.NONE)).identity(), out);
                        out.println("Next: trust its CA (" + HubCommand.name() + " ca-certificate add --name NAME --file"
                                + " CA.pem), give the device a certificate with subject CN=" + deviceId
                                + " signed by that CA, and the connection string from: " + HubCommand.name()
                                + " connection-string --device " + deviceId);
                    }
                }
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered devices.")
    static final class ListDevices implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                List<DeviceIdentity> devices = registry.list().stream().map(RegisteredDevice::identity).toList();
                if (devices.isEmpty()) {
                    out.println("No devices are registered.");
                }
                for (DeviceIdentity device : devices) {
                    out.println(device.deviceId() + (device.enabled() ? "" : " (disabled)"));
                }
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a device and its keys, or its certificate thumbprints.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                print(registry.get(deviceId).identity(), out);
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a device from the registry.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                registry.delete(deviceId, null);
                out.println("Deleted device " + deviceId + ".");
                return 0;
            });
        }
    }
}
