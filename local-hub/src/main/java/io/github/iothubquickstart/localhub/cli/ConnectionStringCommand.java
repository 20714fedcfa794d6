package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.ConnectionStrings;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.data.BlobAccountKey;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.data.ProvisioningServicePolicy;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhubclient.EventHubsConnectionStrings;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints connection strings in the forms the SDKs take as they are. */
@Command(name = "connection-string", mixinStandardHelpOptions = true,
        description = {"Print a connection string: a device's with --device (a module's with --device and --module),"
                + " the Event Hubs-compatible endpoint's with --event-hubs (to read telemetry with an Event Hubs client),"
                + " the Device Provisioning Service's with --provisioning (its ID scope alone with --id-scope),"
                + " else a service policy's.",
                "Pipe it to an app, e.g. IOTHUB_DEVICE_CONNECTION_STRING=$(${sys:localhub.command:-java -jar local-hub.jar} connection-string --device MyJavaDevice)"})
final class ConnectionStringCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption dataDirectory;

    @Option(names = "--device", paramLabel = "DEVICE_ID", description = "Print this device's connection string.")
    String deviceId;

    @Option(names = "--module", paramLabel = "MODULE_ID",
            description = "With --device: print the connection string of this module of the device.")
    String moduleId;

    @Option(names = "--policy", paramLabel = "NAME", defaultValue = "service",
            description = "Shared access policy for a service connection string (default: ${DEFAULT-VALUE}; also iothubowner).")
    String policyName;

    @Option(names = "--host-name", paramLabel = "NAME",
            description = "The hub's host name (default: the one the hub running on the data directory published,"
                    + " else " + LocalHub.DEFAULT_BIND_ADDRESS + ").")
    String hostName;

    @Option(names = "--https-port", paramLabel = "PORT",
            description = "The hub's HTTPS port, written into service connection strings unless 443 (default: the"
                    + " running hub's, else " + LocalHub.DEFAULT_HTTPS_PORT + ").")
    Integer httpsPort;

    @Option(names = "--event-hubs",
            description = "Print the connection string of the Event Hubs-compatible endpoint, as IoT Hub's portal shows"
                    + " under Built-in endpoints: for the Event Hubs SDKs' emulator mode (plain AMQP on loopback,"
                    + " UseDevelopmentEmulator=true), or with --tls for AMQP over TLS (the client must trust the hub's CA).")
    boolean eventHubs;

    @Option(names = "--tls", description = "With --event-hubs: AMQP over TLS on the AMQP port instead of emulator mode.")
    boolean tls;

    @Option(names = "--provisioning",
            description = "Print the Device Provisioning Service's connection string (policy "
                    + ProvisioningServicePolicy.OWNER + ") for ProvisioningServiceClient; no port: the SDK takes none"
                    + " and connects to 443, where the hub serves it.")
    boolean provisioning;

    @Option(names = "--id-scope",
            description = "Print the Device Provisioning Service's ID scope alone, for ProvisioningDeviceClient.")
    boolean idScope;

    @Option(names = "--storage",
            description = "Print the connection string of the hub's built-in blob storage (where devices' file uploads"
                    + " go), for the Azure Storage SDKs: new BlobServiceClientBuilder().connectionString(...).")
    boolean storage;

    @Override
    public Integer call() {
        if (tls && !eventHubs) {
            throw new IllegalArgumentException("--tls goes with --event-hubs");
        }
        if ((provisioning || idScope) && (eventHubs || deviceId != null || moduleId != null || provisioning == idScope)) {
            throw new IllegalArgumentException("--provisioning and --id-scope go alone (one of them, without --device,"
                    + " --module or --event-hubs)");
        }
        Path data = dataDirectory.resolve();
        try (HubIdentity identity = HubIdentity.openExisting(data)) {
            ConnectionTarget target = ConnectionTarget.of(data, LocalHubFinder.running(data), hostName, httpsPort);
            String connectionString = connectionString(identity, target);
            PrintWriter err = spec.commandLine().getErr();
            err.println(target.origin());
            spec.commandLine().getOut().println(connectionString);
            if (connectionString.endsWith(";x509=true")) {
                err.println(certificateHint());
            }
            if (provisioning) {
                err.println("ProvisioningServiceClient connects to port 443 of " + target.hostName() + " (it takes no"
                        + " other), where the hub serves the provisioning service unless started with --websocket-port 0.");
            } else if (idScope) {
                err.println("Devices register with ProvisioningDeviceClient.create(\"" + target.hostName() + "\", \""
                        + connectionString + "\", protocol, security): the hub's host is their global endpoint.");
            } else if (!eventHubs && !storage && deviceId == null && target.httpsPort() != 443) {
                err.println("Note: the Java service SDK takes a port only as new DirectMethodsClient(\""
                        + target.serviceHost() + "\", new AzureSasCredential(sas)); its connection-string"
                        + " constructors always use port 443.");
            }
        }
        return 0;
    }

    private String connectionString(HubIdentity identity, ConnectionTarget target) {
        if (storage) {
            if (eventHubs || provisioning || idScope || deviceId != null || moduleId != null) {
                throw new IllegalArgumentException("--storage goes alone (without --device, --module, --event-hubs,"
                        + " --provisioning or --id-scope)");
            }
            return BuiltInBlobStorage.connectionString(BlobAccountKey.loadOrCreate(identity.dataDirectory().path()),
                    target.hostName() + ":" + target.httpsPort());
        }
        if (idScope) {
            return identity.idScope();
        }
        if (provisioning) {
            return ConnectionStrings.service(target.hostName(),
                    ProvisioningServicePolicy.loadOrCreate(identity.dataDirectory().path()));
        }
        if (eventHubs) {
            if (deviceId != null || moduleId != null) {
                throw new IllegalArgumentException("--event-hubs does not go with --device or --module: the"
                        + " endpoint serves back-ends");
            }
            SharedAccessPolicy policy = policy(identity);
            return eventHubsConnectionString(target, new PolicyKey(policy.name(), policy.primaryKey()));
        }
        if (moduleId != null) {
            if (deviceId == null) {
                throw new IllegalArgumentException("--module needs --device: a module belongs to a device");
            }
            ModuleIdentity module = identity.registry().findModule(deviceId, moduleId)
                    .orElseThrow(() -> new IllegalArgumentException("device " + deviceId + " has no module "
                            + moduleId + "; add it with RegistryClient.addModule"));
            return ConnectionStrings.module(target.hostName(), module);
        }
        if (deviceId != null) {
            DeviceIdentity device = identity.registry().findDevice(deviceId)
                    .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId + " is registered"));
            return ConnectionStrings.device(target.hostName(), device);
        }
        return ConnectionStrings.service(target.serviceHost(), policy(identity));
    }

    /** An X.509 identity's string holds no secret: the SDK needs the certificate and key besides. */
    private String certificateHint() {
        if (moduleId != null) {
            return "Note: module " + deviceId + "/" + moduleId + " authenticates with an X.509 certificate: give the"
                    + " SDK its certificate and private key with this string.";
        }
        return "Note: device " + deviceId + " authenticates with an X.509 certificate: give the SDK its certificate"
                + " and private key with this string (for a device made by 'device create " + deviceId + " --auth"
                + " x509-self-signed': " + deviceId + "-cert.pem and " + deviceId + "-key.pem, in the directory it was"
                + " run in or its --output-dir).";
    }

    private SharedAccessPolicy policy(HubIdentity identity) {
        return identity.registry().findPolicy(policyName)
                .orElseThrow(() -> new IllegalArgumentException("no shared access policy " + policyName));
    }

    /** Emulator mode on the hub's plain AMQP port, or with --tls AMQP over TLS on its AMQP port. */
    private String eventHubsConnectionString(ConnectionTarget target, PolicyKey policy) {
        if (tls) {
            if (target.amqpPort() == 0) {
                throw new IllegalArgumentException("the running hub serves no AMQP over TLS (started with"
                        + " --amqp-port 0, or its port was in use)");
            }
            return EventHubsConnectionStrings.tls(target.hostName(), target.amqpPort(), target.hubName(), policy);
        }
        if (target.eventHubsPort() == 0) {
            throw new IllegalArgumentException("the running hub serves no plain AMQP port (started with"
                    + " --event-hubs-port 0, or not on a loopback address): use --event-hubs --tls");
        }
        return EventHubsConnectionStrings.emulator(target.hostName(), target.eventHubsPort(), target.hubName(), policy);
    }
}
