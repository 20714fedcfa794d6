package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.amqp.EventHubsEndpoint;
import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.blobs.BlobRequest;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a {@link LocalHub} ({@link LocalHub.Builder} is this with {@code build()}); every one has a default
 * that suits a single developer machine.
 *
 * @param <B> the builder itself, so that the calls chain
 */
public abstract class HubSettingsBuilder<B extends HubSettingsBuilder<B>> {
    private Path dataDirectory;
    private String bindAddress = LocalHub.DEFAULT_BIND_ADDRESS;
    private String hostName;
    private int mqttPort = LocalHub.DEFAULT_MQTT_PORT;
    private int httpsPort = LocalHub.DEFAULT_HTTPS_PORT;
    private int webSocketPort = LocalHub.DEFAULT_WEBSOCKET_PORT;
    private int amqpPort = LocalHub.DEFAULT_AMQP_PORT;
    private int eventHubsPort = LocalHub.DEFAULT_EVENT_HUBS_PORT;
    private String hubName;
    private int partitions = TelemetryPartitions.DEFAULT_PARTITIONS;
    private List<String> consumerGroups = List.of();
    private Clock clock = Clock.systemUTC();
    private TelemetryRetention telemetryRetention = TelemetryRetention.DEFAULT;
    private TelemetryDurability telemetryDurability = TelemetryDurability.NORMAL;
    private HubLimits limits = HubLimits.DEFAULT;
    private java.time.Duration cloudToDeviceLockTimeout = CloudToDeviceQueues.DEFAULT_LOCK_TIMEOUT;
    private int eventLoops = EventLoopListeners.defaultEventLoops();
    private TrustedCertificateAuthorities trustedCertificateAuthorities;
    private BlobStorage blobStorage;
    private StorageConnectionString storageAccount;
    private String fileUploadContainer = FileUploads.DEFAULT_CONTAINER;

    HubSettingsBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The settings as given, every default resolved (the data directory from the environment when not given). */
    HubSettings settings() {
        String host = hostName != null ? hostName : HubSettings.isWildcard(bindAddress) ? LocalHub.DEFAULT_BIND_ADDRESS
                : bindAddress;
        return new HubSettings(dataDirectory != null ? dataDirectory : DataDirectory.resolve(null, System::getenv),
                bindAddress, host, mqttPort, httpsPort, webSocketPort, amqpPort, eventHubsPort,
                hubName != null ? hubName : LocalHub.defaultHubName(host), partitions, consumerGroups, clock,
                cloudToDeviceLockTimeout, telemetryRetention, telemetryDurability, eventLoops, limits,
                trustedCertificateAuthorities, blobStorage, storageAccount, fileUploadContainer);
    }

    /**
     * The blob storage the hub's features work with instead of the built-in endpoint (an embedding application's
     * own, or a test's); the built-in endpoint still serves its own containers.
     */
    public B blobStorage(BlobStorage blobStorage) {
        this.blobStorage = Objects.requireNonNull(blobStorage);
        return self();
    }

    /**
     * The storage account file uploads go to and import/export jobs use, as IoT Hub links one (Azurite, Azure
     * Storage: {@code AccountName}, {@code AccountKey}, {@code BlobEndpoint}); default the built-in blob endpoint.
     */
    public B storageConnectionString(String connectionString) {
        this.storageAccount = StorageConnectionString.parse(connectionString);
        return self();
    }

    /**
     * The container devices' files go to (IoT Hub's file upload container), made when the hub starts; default
     * {@value FileUploads#DEFAULT_CONTAINER}.
     *
     * @throws IllegalArgumentException when it is not an Azure container name
     */
    public B fileUploadContainer(String container) {
        try {
            BlobRequest.requireContainerName(Objects.requireNonNull(container));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The file upload container " + container + " is not a container"
                    + " name: 3 to 63 lower-case letters, digits and single hyphens.", e);
        }
        this.fileUploadContainer = container;
        return self();
    }

    /** The CAs devices' certificates may be signed by; default: the data directory's ({@code ca-certificate add}). */
    public B trustedCertificateAuthorities(TrustedCertificateAuthorities trustedCertificateAuthorities) {
        this.trustedCertificateAuthorities = Objects.requireNonNull(trustedCertificateAuthorities);
        return self();
    }

    /** Threads that serve connections, MQTT and HTTPS alike; default {@link EventLoopListeners#defaultEventLoops()}. */
    public B eventLoops(int eventLoops) {
        if (eventLoops < 1 || eventLoops > LocalHub.MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("Event loops must be 1 to " + LocalHub.MAX_EVENT_LOOPS + ", not "
                    + eventLoops + ".");
        }
        this.eventLoops = eventLoops;
        return self();
    }

    /** Caps on connections and calls in flight; see {@link HubLimits#DEFAULT}. */
    public B limits(HubLimits limits) {
        this.limits = Objects.requireNonNull(limits);
        return self();
    }

    /**
     * How long a device may hold a cloud-to-device message without completing, rejecting or abandoning it before
     * it is queued again; default one minute, IoT Hub's (which it does not let you change). For tests.
     */
    public B cloudToDeviceLockTimeout(java.time.Duration lockTimeout) {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("The lock timeout must be positive, not " + lockTimeout + ".");
        }
        this.cloudToDeviceLockTimeout = lockTimeout;
        return self();
    }

    /** How much telemetry to keep for replay; default the newest 100,000 messages of the last day. */
    public B telemetryRetention(TelemetryRetention telemetryRetention) {
        this.telemetryRetention = Objects.requireNonNull(telemetryRetention);
        return self();
    }

    /** NORMAL (default) keeps acknowledged telemetry through a hub crash; FULL also through a power loss. */
    public B telemetryDurability(TelemetryDurability telemetryDurability) {
        this.telemetryDurability = Objects.requireNonNull(telemetryDurability);
        return self();
    }

    /** Where the CA, keys and registry live; default {@code LOCAL_IOTHUB_DATA_DIR} or {@code ~/.local-iothub}. */
    public B dataDirectory(Path dataDirectory) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory);
        return self();
    }

    /** The address both endpoints listen on; default 127.0.0.1. */
    public B bindAddress(String bindAddress) {
        this.bindAddress = Objects.requireNonNull(bindAddress);
        return self();
    }

    /** The hub's host name as clients write it in connection strings; default the bind address. */
    public B hostName(String hostName) {
        this.hostName = Objects.requireNonNull(hostName);
        return self();
    }

    /** Default 8883; the Java device SDK knows no other port. */
    public B mqttPort(int mqttPort) {
        this.mqttPort = requirePort(mqttPort);
        return self();
    }

    /** Default 8443; 0 picks a free port; 443 serves SDKs that know no other port. */
    public B httpsPort(int httpsPort) {
        this.httpsPort = requirePort(httpsPort);
        return self();
    }

    /**
     * Where the HTTPS endpoint also listens, for devices' MQTT and AMQP over WebSockets: default 443, the only port
     * the Azure device SDKs use for them; 0 turns it off. A port the hub may not bind is reported and skipped.
     */
    public B webSocketPort(int webSocketPort) {
        this.webSocketPort = requirePort(webSocketPort);
        return self();
    }

    /** Where devices reach AMQP over TLS: default 5671, the Azure device SDKs' AMQPS port; 0 turns it off. */
    public B amqpPort(int amqpPort) {
        this.amqpPort = requirePort(amqpPort);
        return self();
    }

    /**
     * The plain AMQP port of the Event Hubs-compatible endpoint, for the Event Hubs SDKs' emulator mode
     * ({@code UseDevelopmentEmulator=true}): default 5672, the port those SDKs use for it; 0 turns it off. Only on
     * a loopback bind address: anywhere else the endpoint is on the AMQP port, over TLS, only.
     */
    public B eventHubsPort(int eventHubsPort) {
        this.eventHubsPort = requirePort(eventHubsPort);
        return self();
    }

    /**
     * The hub's name, which its Event Hubs-compatible endpoint's event hub takes (IoT Hub's rules: 3 to 50 letters,
     * digits and hyphens); default the first label of the host name, or {@value LocalHub#DEFAULT_HUB_NAME} when the
     * host name is an address.
     */
    public B hubName(String hubName) {
        this.hubName = EventHubsEndpoint.requireHubName(hubName);
        return self();
    }

    /** Partitions of the Event Hubs-compatible endpoint: 1 to 32, default 2 (IoT Hub's default for a new hub). */
    public B partitions(int partitions) {
        this.partitions = new TelemetryPartitions(partitions).count();
        return self();
    }

    /** Consumer groups of the Event Hubs-compatible endpoint besides {@code $Default}. */
    public B consumerGroups(Collection<String> consumerGroups) {
        consumerGroups.forEach(EventHubsEndpoint::requireConsumerGroup);
        this.consumerGroups = List.copyOf(consumerGroups);
        return self();
    }

    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return self();
    }

    private static int requirePort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("A port is 0 to 65535, not " + port + ".");
        }
        return port;
    }
}
