package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.ConnectionStrings;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhubclient.EventHubsConnectionStrings;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import io.github.iothubquickstart.localhubclient.RunningHub;
import io.github.iothubquickstart.localhubclient.RunningHubFile;
import java.io.PrintWriter;
import java.util.Optional;
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
                + " else a service policy's.",
                "Pipe it to an app, e.g. IOTHUB_DEVICE_CONNECTION_STRING=$(java -jar local-hub.jar connection-string --device MyJavaDevice)"})
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

    @Option(names = "--host-name", paramLabel = "NAME", defaultValue = LocalHub.DEFAULT_BIND_ADDRESS,
            description = "The hub's host name as the hub was started with (default: ${DEFAULT-VALUE}).")
    String hostName;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443",
            description = "The hub's HTTPS port, written into service connection strings unless 443 (default: ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--event-hubs",
            description = "Print the connection string of the Event Hubs-compatible endpoint, as IoT Hub's portal shows"
                    + " under Built-in endpoints: for the Event Hubs SDKs' emulator mode (plain AMQP on loopback,"
                    + " UseDevelopmentEmulator=true), or with --tls for AMQP over TLS (the client must trust the hub's CA).")
    boolean eventHubs;

    @Option(names = "--tls", description = "With --event-hubs: AMQP over TLS on the AMQP port instead of emulator mode.")
    boolean tls;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (tls && !eventHubs) {
            throw new IllegalArgumentException("--tls goes with --event-hubs");
        }
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory.resolve())) {
            if (eventHubs) {
                if (deviceId != null || moduleId != null) {
                    throw new IllegalArgumentException("--event-hubs does not go with --device or --module: the"
                            + " endpoint serves back-ends");
                }
                SharedAccessPolicy policy = identity.registry().findPolicy(policyName)
                        .orElseThrow(() -> new IllegalArgumentException("no shared access policy " + policyName));
                out.println(eventHubsConnectionString(new PolicyKey(policy.name(), policy.primaryKey())));
            } else if (moduleId != null) {
                if (deviceId == null) {
                    throw new IllegalArgumentException("--module needs --device: a module belongs to a device");
                }
                ModuleIdentity module = identity.registry().findModule(deviceId, moduleId)
                        .orElseThrow(() -> new IllegalArgumentException("device " + deviceId + " has no module "
                                + moduleId + "; add it with RegistryClient.addModule"));
                out.println(ConnectionStrings.module(hostName, module));
            } else if (deviceId != null) {
                DeviceIdentity device = identity.registry().findDevice(deviceId)
                        .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId + " is registered"));
                out.println(ConnectionStrings.device(hostName, device));
            } else {
                SharedAccessPolicy policy = identity.registry().findPolicy(policyName)
                        .orElseThrow(() -> new IllegalArgumentException("no shared access policy " + policyName));
                String host = httpsPort == 443 ? hostName : hostName + ":" + httpsPort;
                out.println(ConnectionStrings.service(host, policy));
                if (httpsPort != 443) {
                    spec.commandLine().getErr().println("Note: the Java service SDK takes a port only as "
                            + "new DirectMethodsClient(\"" + host + "\", new AzureSasCredential(sas)); "
                            + "its connection-string constructors always use port 443.");
                }
            }
        }
        return 0;
    }

    /** From the running hub when there is one (its host, hub name and ports); else the defaults a hub starts with. */
    private String eventHubsConnectionString(PolicyKey policy) {
        Optional<RunningHub> running = RunningHubFile.read(dataDirectory.resolve()).filter(hub -> hub.hubName() != null);
        String host = running.map(RunningHub::hostName).orElse(hostName);
        String hubName = running.map(RunningHub::hubName).orElse(LocalHub.defaultHubName(host));
        if (tls) {
            return EventHubsConnectionStrings.tls(host, LocalHub.DEFAULT_AMQP_PORT, hubName, policy);
        }
        int port = running.map(RunningHub::eventHubsPort).orElse(LocalHub.DEFAULT_EVENT_HUBS_PORT);
        if (port == 0) {
            throw new IllegalArgumentException("the running hub serves no plain AMQP port (started with"
                    + " --event-hubs-port 0, or not on a loopback address): use --event-hubs --tls");
        }
        return EventHubsConnectionStrings.emulator(host, port, hubName, policy);
    }
}
