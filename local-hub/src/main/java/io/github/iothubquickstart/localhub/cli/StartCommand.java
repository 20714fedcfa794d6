package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the hub until Ctrl+C or SIGTERM. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Run the local hub (the default command).")
final class StartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption dataDirectory;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = LocalHub.DEFAULT_BIND_ADDRESS,
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Any 127.0.0.x runs a hub beside others.")
    String bindAddress;

    @Option(names = "--host-name", paramLabel = "NAME",
            description = "The hub's host name in connection strings and certificates (default: the bind address). "
                    + "The Java device SDK needs a dotted name, such as 127.0.0.1.")
    String hostName;

    @Option(names = "--mqtt-port", paramLabel = "PORT", defaultValue = "8883",
            description = "MQTT over TLS port for devices (default: ${DEFAULT-VALUE}; the Java device SDK knows no other).")
    int mqttPort;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443",
            description = "HTTPS port for services (default: ${DEFAULT-VALUE}; 443 for SDKs that know no other port).")
    int httpsPort;

    @Option(names = "--websocket-port", paramLabel = "PORT", defaultValue = "443",
            description = "Port where devices also reach MQTT and AMQP over WebSockets (MQTT_WS, AMQPS_WS), as the HTTPS "
                    + "port serves them (default: ${DEFAULT-VALUE}, the only port the Azure device SDKs use for them; "
                    + "0: off). Below 1024 "
                    + "it needs root or cap_net_bind_service; without them the hub says so and runs without it.")
    int webSocketPort;

    @Option(names = "--amqp-port", paramLabel = "PORT", defaultValue = "5671",
            description = "AMQP over TLS port for devices (AMQPS; default: ${DEFAULT-VALUE}, the only port the Azure "
                    + "device SDKs use for it; 0: off): telemetry, direct methods and twins."
                    + " A port in use is reported and skipped.")
    int amqpPort;

    @Option(names = "--event-hubs-port", paramLabel = "PORT", defaultValue = "5672",
            description = "Plain AMQP port of the Event Hubs-compatible endpoint, for the Event Hubs SDKs' emulator mode"
                    + " (UseDevelopmentEmulator=true; default: ${DEFAULT-VALUE}, the port they use; 0: off). Loopback"
                    + " bind addresses only; the endpoint is on the AMQP port, over TLS, too.")
    int eventHubsPort;

    @Option(names = "--hub-name", paramLabel = "NAME",
            description = "The hub's name: the EntityPath of its Event Hubs-compatible endpoint (default: the first"
                    + " label of --host-name when that is a name, else " + LocalHub.DEFAULT_HUB_NAME + ").")
    String hubName;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "2",
            description = "Partitions of the Event Hubs-compatible endpoint, 1 to 32 (default: ${DEFAULT-VALUE}); a"
                    + " device's messages all go to one partition.")
    int partitions;

    @Option(names = "--consumer-group", paramLabel = "NAME",
            description = "A consumer group of the Event Hubs-compatible endpoint besides $Default; repeat for more.")
    List<String> consumerGroups = new ArrayList<>();

    @Option(names = "--telemetry-retention", paramLabel = "MESSAGES", defaultValue = "100000",
            description = "Telemetry messages kept on disk for 'monitor --replay' (default: ${DEFAULT-VALUE}). "
                    + "0 keeps none: telemetry is then acknowledged without being stored, and a crash loses it.")
    long retainedMessages;

    @Option(names = "--telemetry-retention-hours", paramLabel = "HOURS", defaultValue = "24",
            description = "Telemetry older than this is dropped (default: ${DEFAULT-VALUE}).")
    long retentionHours;

    @Option(names = "--telemetry-durability", paramLabel = "LEVEL", defaultValue = "NORMAL",
            description = "NORMAL: acknowledged telemetry survives a crash of the hub; FULL: also a power loss, "
                    + "at the cost of a disk flush per commit (default: ${DEFAULT-VALUE}).")
    TelemetryDurability durability;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Threads that serve MQTT and HTTPS connections (default: half the cores, at least 1, here "
                    + "${DEFAULT-VALUE}): the devices and back-ends that use the hub need the other cores.")
    int eventLoops = EventLoopListeners.defaultEventLoops();

    @Option(names = "--max-devices", paramLabel = "N", defaultValue = "20000",
            description = "Devices connected at once; more get CONNACK 3, server unavailable (default: ${DEFAULT-VALUE}).")
    int maxDevices;

    @Option(names = "--max-method-calls", paramLabel = "N", defaultValue = "10000",
            description = "Direct method calls in flight on the whole hub; more get HTTP 429 (default: ${DEFAULT-VALUE}).")
    int maxMethodCalls;

    @Option(names = "--max-method-calls-per-device", paramLabel = "N", defaultValue = "100",
            description = "Direct method calls in flight on one device; more get HTTP 429 (default: ${DEFAULT-VALUE}).")
    int maxMethodCallsPerDevice;

    @Option(names = "--storage-connection-string", paramLabel = "CONNECTION_STRING",
            description = "The storage account devices upload files to and import/export jobs use (Azurite, Azure"
                    + " Storage), as IoT Hub links one: AccountName, AccountKey and BlobEndpoint. Default: the hub's"
                    + " built-in blob endpoint ('connection-string --storage').")
    String storageConnectionString;

    @Option(names = "--file-upload-container", paramLabel = "NAME", defaultValue = FileUploads.DEFAULT_CONTAINER,
            description = "The container devices' file uploads go to, made at start (default: ${DEFAULT-VALUE}).")
    String fileUploadContainer;

    @Override
    public Integer call() throws InterruptedException {
        if (retainedMessages < 0 || retentionHours < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Telemetry retention cannot be negative.");
        }
        if (eventLoops < 1 || eventLoops > LocalHub.MAX_EVENT_LOOPS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--event-loops must be 1 to " + LocalHub.MAX_EVENT_LOOPS + ", not " + eventLoops + ".");
        }
        LocalHub.Builder builder = LocalHub.builder()
                .dataDirectory(dataDirectory.resolve())
                .bindAddress(bindAddress)
                .mqttPort(mqttPort)
                .httpsPort(httpsPort)
                .webSocketPort(webSocketPort)
                .amqpPort(amqpPort)
                .eventHubsPort(eventHubsPort)
                .telemetryRetention(new TelemetryRetention(retainedMessages, Duration.ofHours(retentionHours)))
                .telemetryDurability(durability)
                .eventLoops(eventLoops)
                .limits(limits());
        if (hostName != null) {
            builder.hostName(hostName);
        }
        try {
            builder.partitions(partitions).consumerGroups(consumerGroups).fileUploadContainer(fileUploadContainer);
            if (hubName != null) {
                builder.hubName(hubName);
            }
            if (storageConnectionString != null) {
                builder.storageConnectionString(storageConnectionString);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LocalHub hub = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "local-hub-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Local IoT hub " + hub.hostName() + " is running.");
        out.println("  Devices (MQTT over TLS):     " + hub.bindAddress() + ":" + hub.mqttPort());
        out.println("  Services (HTTPS):            " + hub.bindAddress() + ":" + hub.httpsPort());
        if (hub.webSocketPort() != 0) {
            out.println("  Devices (MQTT/AMQP over WSS): " + hub.bindAddress() + ":" + hub.webSocketPort());
        }
        if (hub.amqpPort() != 0) {
            out.println("  Devices (AMQP over TLS):     " + hub.bindAddress() + ":" + hub.amqpPort());
        }
        List<String> readers = new ArrayList<>();
        if (hub.amqpPort() != 0) {
            readers.add(hub.bindAddress() + ":" + hub.amqpPort() + " (TLS)");
        }
        if (hub.eventHubsPort() != 0) {
            readers.add(hub.bindAddress() + ":" + hub.eventHubsPort() + " (plain, emulator mode)");
        }
        if (!readers.isEmpty()) {
            out.println("  Telemetry (Event Hubs):      " + String.join(", ", readers) + ", event hub '" + hub.hubName()
                    + "', " + hub.partitions() + " partitions");
        }
        out.println("  Data directory:              " + hub.dataDirectory());
        out.println("  CA certificate to trust:     " + hub.caCertificateFile());
        out.println("Dashboard: " + hub.dashboardUrl());
        out.println();
        out.println("Device connection string (MyJavaDevice):");
        out.println("  " + hub.identity().registry().findDevice("MyJavaDevice")
                .map(device -> hub.deviceConnectionString(device.deviceId()))
                .orElse("(MyJavaDevice was deleted; see 'local-hub device create')"));
        out.println("Service connection string (policy 'service'; the host name carries the HTTPS port):");
        out.println("  " + hub.serviceConnectionString("service"));
        ProvisioningBanner.print(hub, out);
        if (hub.eventHubsPort() != 0) {
            out.println("Event Hubs-compatible connection string (read telemetry with an Event Hubs client; emulator mode):");
            out.println("  " + hub.eventHubsConnectionString("service", false));
        }
        out.println();
        out.println("Press Ctrl+C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private HubLimits limits() {
        try {
            return HubLimits.DEFAULT.withMaxConnectedDevices(maxDevices)
                    .withMaxMethodCallsInFlight(maxMethodCalls)
                    .withMaxMethodCallsPerDevice(maxMethodCallsPerDevice);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
