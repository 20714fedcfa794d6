package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.wiring.HubCore;
import io.github.iothubquickstart.localhub.wiring.HubServices;
import io.github.iothubquickstart.localhub.wiring.Listening;
import io.github.iothubquickstart.localhub.wiring.Transport;
import io.github.iothubquickstart.localhub.wiring.Transports;
import io.github.iothubquickstart.localhubclient.EventHubsConnectionStrings;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IoT Hub-compatible server: MQTT and AMQP over TLS for devices, HTTPS REST for services, with its identity (CA,
 * certificates, keys, device registry) in a data directory. Embeddable: build, {@link #start()}, and close. Its core is
 * built by {@link HubCore}, each transport installs itself on it ({@link Transports}); this class keeps the order.
 *
 * <pre>{@code
 * try (LocalHub hub = LocalHub.builder().bindAddress("127.0.0.7").dataDirectory(dir).build().start()) {
 *     String device = hub.deviceConnectionString("MyJavaDevice");
 * }
 * }</pre>
 */
public final class LocalHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalHub.class);
    public static final int DEFAULT_MQTT_PORT = LocalHubDefaults.MQTT_PORT;
    public static final int DEFAULT_HTTPS_PORT = LocalHubDefaults.HTTPS_PORT;
    /** The Azure device SDKs open MQTT and AMQP over WebSockets on 443 and nowhere else. */
    public static final int DEFAULT_WEBSOCKET_PORT = 443;
    /** IoT Hub's AMQPS port; the Azure device SDKs know no other. */
    public static final int DEFAULT_AMQP_PORT = LocalHubDefaults.AMQP_PORT;
    /** The Event Hubs SDKs' emulator mode (plain AMQP) connects here unless told otherwise. */
    public static final int DEFAULT_EVENT_HUBS_PORT = EventHubsConnectionStrings.EMULATOR_PORT;
    /** The hub's name when its host name is an address rather than a name to take it from. */
    public static final String DEFAULT_HUB_NAME = "local-iothub";
    public static final String DEFAULT_BIND_ADDRESS = LocalHubDefaults.BIND_ADDRESS;
    public static final int MAX_EVENT_LOOPS = 256;

    private final HubSettings settings;
    /** Null unless started. */
    private HubCore core;
    private HubServices services;
    private Transports transports;
    private int mqttPort, httpsPort, webSocketPort, amqpPort, eventHubsPort;
    private RunningHub published;

    private LocalHub(HubSettings settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Opens (or on first start creates) the data directory and listens on every endpoint; blocks until ready. */
    public synchronized LocalHub start() {
        if (core != null) {
            throw new IllegalStateException("The local hub is already started.");
        }
        core = HubCore.open(settings);
        try {
            services = core.start(() -> settings.hostName() + ":" + httpsPort);
            transports = Transports.install(services);
            mqttPort = transports.mqtt().listen();
            httpsPort = transports.rest().listen();
            webSocketPort = transports.webSockets().listen(transports.rest(), httpsPort);
            amqpPort = transports.amqp().listen();
            eventHubsPort = transports.eventHubs().listen();
            published = RunningHubPublication.publish(settings.dataDirectory(), settings.hostName(),
                    settings.bindAddress(), mqttPort, httpsPort, core.identity(), settings.hubName(), eventHubsPort,
                    amqpPort, services.provisioningServicePolicy());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Local IoT hub {} listening: {}", settings.hostName(), Transports.describe(services, mqttPort,
                httpsPort, webSocketPort, amqpPort, eventHubsPort));
        return this;
    }

    /** Stops listening, drops every device connection and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (core == null) {
            return;
        }
        // First, so no client picks a hub that is going away.
        RunningHubPublication.withdraw(settings.dataDirectory(), published);
        published = null;
        // Before the devices go: what jobs were doing stays stored as running, for the next start to resume.
        core.stopScheduledJobs();
        try {
            // Stop taking devices in, then drop the devices (their pending method calls fail with 404103 at once),
            // and let those answers reach their callers before the HTTPS connections close.
            for (Transport listener : transports == null ? List.<Transport>of() : transports.deviceListeners()) {
                Listening.awaitStop(listener.stop(), "A device endpoint did not shut down cleanly", false);
            }
            core.disconnectDevices();
            if (transports != null) {
                Listening.awaitStop(transports.rest().stop(), "The HTTPS endpoint did not shut down cleanly", false);
            }
        } finally {
            transports = null;
            // After the transports: messages still queued are stored before the stores close.
            core.close();
            core = null;
        }
        LOG.info("Local IoT hub {} stopped", settings.hostName());
    }

    public String hostName() {
        return settings.hostName();
    }

    public String bindAddress() {
        return settings.bindAddress();
    }

    public int mqttPort() {
        return mqttPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /** Where devices reach MQTT and AMQP over WebSockets (443), or 0 if not listening there (said why at start). */
    public int webSocketPort() {
        return webSocketPort;
    }

    /** Where devices reach AMQP over TLS (5671 unless set otherwise), or 0 if off or in use (said why at start). */
    public int amqpPort() {
        return amqpPort;
    }

    /** The hub's name: the event hub its Event Hubs-compatible endpoint serves ({@code EntityPath}). */
    public String hubName() {
        return settings.hubName();
    }

    /** The partitions of the Event Hubs-compatible endpoint. */
    public int partitions() {
        return settings.partitions();
    }

    /** The plain AMQP port of the Event Hubs emulator mode (5672 unless set otherwise), or 0 when there is none. */
    public int eventHubsPort() {
        return eventHubsPort;
    }

    /** What an Event Hubs client reads telemetry with: emulator mode (plain AMQP), or with {@code tls} AMQPS. */
    public String eventHubsConnectionString(String policyName, boolean tls) {
        return ConnectionStrings.eventHubs(core().identity().registry(), policyName, hostName(), hubName(),
                tls ? amqpPort : eventHubsPort, tls);
    }

    public Path dataDirectory() {
        return settings.dataDirectory();
    }

    /** {@code https://host:port/#token=...}: the dashboard signed in (a token made at each start; keep it secret). */
    public String dashboardUrl() {
        return started().dashboardToken().dashboardUrl(hostName(), httpsPort);
    }

    /** The hub's Device Provisioning Service: enrollments and registration states (blocking calls). */
    public ProvisioningService provisioning() {
        return started().provisioning();
    }

    /** What device transports call when a device registers through the Device Provisioning Service. */
    public DeviceRegistrations deviceRegistrations() {
        return started().deviceRegistrations();
    }

    /** What {@code ProvisioningServiceClient} takes: no port, the SDK always connects to 443. */
    public String provisioningServiceConnectionString() {
        return ConnectionStrings.service(hostName(), started().provisioningServicePolicy());
    }

    /** The ID scope devices register in ({@code 0ne...}), the same for the life of the data directory. */
    public String idScope() {
        return core().identity().idScope();
    }

    /** The CA certificate clients must trust to talk to this hub. */
    public Path caCertificateFile() {
        return core().identity().certificates().caCertificateFile();
    }

    public HubIdentity identity() {
        return core().identity();
    }

    /** Waits (at most {@code limit}) until configurations are evaluated for every change so far; for tests. */
    public void awaitConfigurationsEvaluated(java.time.Duration limit) throws InterruptedException {
        core().awaitConfigurationsEvaluated(limit);
    }

    /** The CAs a device's certificate chain must end at: the builder's, else the data directory's. */
    public TrustedCertificateAuthorities trustedCertificateAuthorities() {
        return core().trustedCertificateAuthorities();
    }

    /** Every device-to-cloud message the hub accepts, as it arrives. */
    public TelemetryFeed telemetry() {
        return core().telemetry();
    }

    /** Direct method calls the hub accepted and is still waiting on. */
    public int methodCallsInFlight() {
        return services == null ? 0 : services.methods().callsInFlight();
    }

    public boolean isDeviceConnected(String deviceId) {
        return services != null && services.devices().isConnected(deviceId);
    }

    /** Registers {@code deviceId} unless it is already (two threads may ask at once); whether this call did. */
    public boolean ensureDevice(String deviceId) {
        return core().ensureDevice(deviceId);
    }

    /** A device connection string the Azure device SDK accepts as it is. */
    public String deviceConnectionString(String deviceId) {
        return ConnectionStrings.device(hostName(), core().identity().registry().findDevice(deviceId)
                .orElseThrow(() -> new IllegalArgumentException("No device " + deviceId + " is registered.")));
    }

    /** A module connection string the Azure device SDK's {@code ModuleClient} accepts as it is. */
    public String moduleConnectionString(String deviceId, String moduleId) {
        return ConnectionStrings.module(hostName(), core().identity().registry().findModule(deviceId, moduleId)
                .orElseThrow(() -> new IllegalArgumentException("Device " + deviceId + " has no module " + moduleId
                        + ".")));
    }

    /** A service connection string; its host name carries the HTTPS port unless that is 443. */
    public String serviceConnectionString(String policyName) {
        return ConnectionStrings.service(serviceHost(), core().identity().registry().findPolicy(policyName)
                .orElseThrow(() -> new IllegalArgumentException("No shared access policy " + policyName + ".")));
    }

    /** The blob storage devices upload files to and import/export jobs use: the built-in endpoint by default. */
    public BlobStorage blobStorage() {
        return started().blobStorage();
    }

    /** The built-in blob endpoint's connection string for the Azure Storage SDKs ({@code BlobEndpoint=https://...}). */
    public String storageConnectionString() {
        return BuiltInBlobStorage.connectionString(started().blobAccount(), hostName() + ":" + httpsPort);
    }

    /** {@code host:port} of the service endpoint, the form the Java service SDK takes with a SAS credential. */
    public String serviceHost() {
        return httpsPort == 443 ? hostName() : hostName() + ":" + httpsPort;
    }

    /** The first label of a host name that is a name ({@code myhub.example.test}: myhub), else the default. */
    public static String defaultHubName(String hostName) {
        return HubSettings.defaultHubName(hostName);
    }

    private HubCore core() {
        if (core == null) {
            throw new IllegalStateException("The local hub is not started.");
        }
        return core;
    }

    private HubServices started() {
        core();
        return services;
    }

    /** Settings of a {@link LocalHub}; every one has a default that suits a single developer machine. */
    public static final class Builder extends HubSettingsBuilder<Builder> {
        private Builder() {
        }

        public LocalHub build() {
            return new LocalHub(settings());
        }
    }
}
