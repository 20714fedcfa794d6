package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.amqp.AmqpConnectionHandler;
import io.github.iothubquickstart.localhub.amqp.AmqpDeviceServer;
import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.dashboard.Dashboard;
import io.github.iothubquickstart.localhub.dashboard.DashboardAssets;
import io.github.iothubquickstart.localhub.dashboard.DashboardToken;
import io.github.iothubquickstart.localhub.dashboard.SameOriginGuard;
import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.PendingMethodCalls;
import io.github.iothubquickstart.localhub.mqtt.MqttConnectionHandler;
import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.mqtt.MqttDeviceServer;
import io.github.iothubquickstart.localhub.mqtt.MqttTwinRequests;
import io.github.iothubquickstart.localhub.mqtt.PersistentSessions;
import io.github.iothubquickstart.localhub.registry.BulkRegistryOperations;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.rest.BulkRegistryRoute;
import io.github.iothubquickstart.localhub.rest.HttpErrorResponder;
import io.github.iothubquickstart.localhub.rest.MethodsRoute;
import io.github.iothubquickstart.localhub.rest.MonitorRoute;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.rest.QueryRoute;
import io.github.iothubquickstart.localhub.rest.RegistryRoutes;
import io.github.iothubquickstart.localhub.rest.ModuleRoutes;
import io.github.iothubquickstart.localhub.rest.RestServer;
import io.github.iothubquickstart.localhub.rest.ServiceApi;
import io.github.iothubquickstart.localhub.rest.StatisticsRoutes;
import io.github.iothubquickstart.localhub.rest.TwinRoutes;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import io.github.iothubquickstart.localhub.storage.SegmentTelemetryLog;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.github.iothubquickstart.localhub.twin.DesiredPropertiesPusher;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import io.github.iothubquickstart.localhubclient.RunningHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IoT Hub-compatible server: MQTT and AMQP over TLS for devices, HTTPS REST for services, with its identity (CA,
 * certificates, keys, device registry) in a data directory. Embeddable: build, {@link #start()}, and close.
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
    /** The Azure device SDKs open MQTT over WebSockets on 443 and nowhere else. */
    public static final int DEFAULT_WEBSOCKET_PORT = 443;
    /** IoT Hub's AMQPS port; the Azure device SDKs know no other. */
    public static final int DEFAULT_AMQP_PORT = 5671;
    public static final String DEFAULT_BIND_ADDRESS = LocalHubDefaults.BIND_ADDRESS;
    public static final int MAX_EVENT_LOOPS = 256;
    private static final long START_STOP_TIMEOUT_SECONDS = 30;
    static final String TELEMETRY_LOG = "telemetry";
    /** Where versions before the telemetry log kept telemetry (SQLite); no longer read. */
    private static final String EARLIER_TELEMETRY_JOURNAL = "telemetry.db";
    static final String SESSION_STORE = "sessions.db";
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(1);

    private final Path dataDirectory;
    private final String bindAddress;
    private final String hostName;
    private final int requestedMqttPort;
    private final int requestedHttpsPort;
    private final int requestedWebSocketPort;
    private final int requestedAmqpPort;
    private final Clock clock;
    private final TelemetryRetention telemetryRetention;
    private final TelemetryDurability telemetryDurability;
    private final int eventLoops;
    private final HubLimits limits;

    private Vertx vertx;
    private HubIdentity identity;
    private TelemetryFeed telemetry;
    private PersistentSessions persistentSessions;
    private ConnectedDevices devices;
    private DirectMethodService methods;
    private MqttDeviceServer mqttServer;
    private RestServer httpServer;
    private AmqpDeviceServer amqpServer;
    private int mqttPort;
    private int httpsPort;
    private int webSocketPort;
    private int amqpPort;
    private RunningHub published;
    private DashboardToken dashboardToken;

    private LocalHub(Builder builder) {
        this.dataDirectory = builder.dataDirectory != null
                ? builder.dataDirectory
                : DataDirectory.resolve(null, System::getenv);
        this.bindAddress = builder.bindAddress;
        this.hostName = builder.hostName != null ? builder.hostName : defaultHostName(builder.bindAddress);
        this.requestedMqttPort = builder.mqttPort;
        this.requestedHttpsPort = builder.httpsPort;
        this.requestedWebSocketPort = builder.webSocketPort;
        this.requestedAmqpPort = builder.amqpPort;
        this.clock = builder.clock;
        this.telemetryRetention = builder.telemetryRetention;
        this.telemetryDurability = builder.telemetryDurability;
        this.limits = builder.limits;
        this.eventLoops = builder.eventLoops;
    }

    private void warnOfEarlierTelemetryJournal() {
        Path earlier = dataDirectory.resolve(EARLIER_TELEMETRY_JOURNAL);
        if (Files.exists(earlier)) {
            LOG.warn("{} holds telemetry stored by an earlier version of the hub, which this version does not replay"
                    + " (it keeps telemetry in {}); delete the file once you no longer need it", earlier,
                    dataDirectory.resolve(TELEMETRY_LOG));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Opens (or on first start creates) the data directory and listens on both endpoints; blocks until ready. */
    public synchronized LocalHub start() {
        if (vertx != null) {
            throw new IllegalStateException("The local hub is already started.");
        }
        identity = HubIdentity.openOrCreate(dataDirectory, certificateNames(), clock);
        try {
            persistentSessions = new PersistentSessions(SqliteSessionStore.open(dataDirectory.resolve(SESSION_STORE)));
            warnOfEarlierTelemetryJournal();
            telemetry = telemetryRetention.storesNothing()
                    ? TelemetryFeed.unstored(clock)
                    : TelemetryFeed.stored(clock, SegmentTelemetryLog.open(dataDirectory.resolve(TELEMETRY_LOG),
                            telemetryDurability), telemetryRetention, telemetryDurability);
        } catch (RuntimeException e) {
            if (persistentSessions != null) {
                persistentSessions.close();
            }
            closeIdentity();
            throw e;
        }
        vertx = Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(eventLoops));
        try {
            wire();
            mqttPort = await(mqttServer.listen(), "MQTT", requestedMqttPort);
            httpsPort = await(httpServer.listen(), "HTTPS", requestedHttpsPort);
            webSocketPort = listenForWebSockets();
            amqpPort = listenForAmqp();
            published = RunningHubPublication.publish(dataDirectory, hostName, bindAddress, mqttPort, httpsPort, identity);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Local IoT hub {} listening: MQTT on {}:{}, HTTPS on {}:{}, MQTT over WebSockets on {}, AMQP {}"
                        + " (TLS by {}, {} event loops on {}), data in {}",
                hostName, bindAddress, mqttPort, bindAddress, httpsPort,
                webSocketPort == 0 ? "the HTTPS port only" : bindAddress + ":" + webSocketPort,
                amqpPort == 0 ? "off" : "on " + bindAddress + ":" + amqpPort,
                SslEngines.fastestName(), eventLoops,
                vertx.isNativeTransportEnabled() ? "epoll" : "NIO", dataDirectory);
        return this;
    }

    /** Every part of the hub, built once, each given what it needs: transports on top of the features. */
    private void wire() {
        Set<String> hubNames = acceptedHostNames();
        SasVerifier verifier = new SasVerifier(clock);
        devices = new ConnectedDevices(vertx, clock);
        methods = new DirectMethodService(identity.registry(), identity.registry(), devices, new PendingMethodCalls(vertx),
                limits.maxMethodCallsPerDevice(), limits.maxMethodCallsInFlight());
        RegistryService registryService = new RegistryService(identity.registry(), devices);
        ModuleService moduleService = new ModuleService(identity.registry(), identity.registry(), devices);
        TwinService twins = new TwinService(identity.twins(), new DesiredPropertiesPusher(devices), clock);
        DeviceAuthenticator deviceAuthenticator = new DeviceAuthenticator(identity.registry(), identity.registry(),
                verifier, hubNames);
        dashboardToken = DashboardToken.random(new SecureRandom());
        ServiceAuthenticator serviceAuthenticator = new ServiceAuthenticator(identity.registry(), verifier, hubNames,
                dashboardToken);
        Dashboard dashboard = new Dashboard(new DashboardAssets(), new SameOriginGuard(hubNames));
        Path certificate = identity.certificates().serverCertificateFile();
        Path key = identity.certificates().serverKeyFile();
        mqttServer = new MqttDeviceServer(vertx, eventLoops, bindAddress, requestedMqttPort, certificate, key,
                limits.connectPacketTimeout(),
                new MqttConnectionHandler(deviceAuthenticator, devices, persistentSessions, methods, telemetry,
                        new MqttTwinRequests(twins), limits.maxConnectedDevices()));
        amqpServer = requestedAmqpPort == 0 ? null : new AmqpDeviceServer(vertx, eventLoops, bindAddress,
                requestedAmqpPort, certificate, key, new AmqpConnectionHandler(vertx, clock, deviceAuthenticator,
                        devices, telemetry, methods, twins, limits.maxConnectedDevices(), hostName,
                        limits.connectPacketTimeout()));
        ServiceApi serviceApi = new ServiceApi(
                new MethodsRoute(serviceAuthenticator, methods),
                new MonitorRoute(vertx, serviceAuthenticator, telemetry),
                new RegistryRoutes(serviceAuthenticator, registryService),
                new ModuleRoutes(serviceAuthenticator, moduleService),
                new BulkRegistryRoute(serviceAuthenticator, new BulkRegistryOperations(registryService)),
                new StatisticsRoutes(serviceAuthenticator, registryService, devices),
                new TwinRoutes(serviceAuthenticator, twins, registryService, moduleService),
                new QueryRoute(serviceAuthenticator, new DeviceQueries(registryService, moduleService, identity.twins())));
        // The dashboard first: its same-origin guard runs before the API's routes.
        httpServer = new RestServer(vertx, eventLoops, bindAddress, requestedHttpsPort, certificate, key,
                List.of(dashboard::mountOn, serviceApi::mountOn, mqttServer.overWebSockets()::mountOn),
                new HttpErrorResponder(clock));
    }

    /** Stops listening, drops every device connection and releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (vertx == null) {
            return;
        }
        // First, so no client picks a hub that is going away.
        RunningHubPublication.withdraw(dataDirectory, published);
        published = null;
        try {
            if (mqttServer != null) {
                // First stop taking devices in, so none connects to a hub that is going away...
                mqttServer.close().toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (amqpServer != null) {
                amqpServer.close().toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (devices != null) {
                // ...then drop the devices, which fails their pending method calls with 404103 at once...
                devices.closeAll();
            }
            if (httpServer != null) {
                // ...and let those answers reach their callers before the connections close.
                httpServer.shutdown(SHUTDOWN_GRACE).toCompletionStage().toCompletableFuture()
                        .get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("The endpoints did not shut down cleanly", e);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The local hub did not stop cleanly", e);
        } finally {
            vertx = null;
            // After the servers: messages still queued are stored before the journal closes.
            telemetry.close();
            telemetry = null;
            persistentSessions.close();
            closeIdentity();
        }
        LOG.info("Local IoT hub {} stopped", hostName);
    }

    private void closeIdentity() {
        if (identity != null) {
            try {
                identity.close();
            } catch (Exception e) {
                LOG.warn("Closing the registry failed", e);
            }
            identity = null;
        }
    }

    public String hostName() {
        return hostName;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public int mqttPort() {
        return mqttPort;
    }

    public int httpsPort() {
        return httpsPort;
    }

    /**
     * The port on which devices reach MQTT over WebSockets as the Azure SDKs open it (443), or 0 when the hub does not
     * listen there (turned off, or the port could not be bound; the hub said why when it started). The HTTPS port
     * serves it too.
     */
    public int webSocketPort() {
        return webSocketPort;
    }

    /**
     * The port on which devices reach AMQP over TLS (AMQPS, 5671 unless set otherwise), or 0 when the hub does not
     * listen for AMQP (turned off, or the port was in use; the hub said why when it started).
     */
    public int amqpPort() {
        return amqpPort;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * The address that opens the web dashboard signed in: {@code https://host:port/#token=...}. The token is made
     * anew at each start and lives only in this process; whoever has this address controls the hub.
     */
    public String dashboardUrl() {
        requireStarted();
        return dashboardToken.dashboardUrl(hostName, httpsPort);
    }

    /** The CA certificate clients must trust to talk to this hub. */
    public Path caCertificateFile() {
        return requireStarted().certificates().caCertificateFile();
    }

    public HubIdentity identity() {
        return requireStarted();
    }

    /** Every device-to-cloud message the hub accepts, as it arrives. */
    public TelemetryFeed telemetry() {
        if (telemetry == null) {
            throw new IllegalStateException("The local hub is not started.");
        }
        return telemetry;
    }

    /** Direct method calls the hub accepted and is still waiting on. */
    public int methodCallsInFlight() {
        return methods == null ? 0 : methods.callsInFlight();
    }

    public boolean isDeviceConnected(String deviceId) {
        return devices != null && devices.isConnected(deviceId);
    }

    /**
     * Registers {@code deviceId} with fresh keys unless it is registered already (for embedders such as test
     * extensions, which must not fail when two threads ask for the same device).
     *
     * @return whether this call registered it
     */
    public boolean ensureDevice(String deviceId) {
        DeviceRegistry registry = requireStarted().registry();
        if (registry.findDevice(deviceId).isPresent()) {
            return false;
        }
        try {
            registry.createDevice(deviceId);
            return true;
        } catch (DeviceAlreadyExistsException registeredMeanwhile) {
            return false;
        }
    }

    /** A device connection string the Azure device SDK accepts as it is. */
    public String deviceConnectionString(String deviceId) {
        return ConnectionStrings.device(hostName, requireStarted().registry().findDevice(deviceId)
                .orElseThrow(() -> new IllegalArgumentException("No device " + deviceId + " is registered.")));
    }

    /** A module connection string the Azure device SDK's {@code ModuleClient} accepts as it is. */
    public String moduleConnectionString(String deviceId, String moduleId) {
        return ConnectionStrings.module(hostName, requireStarted().registry().findModule(deviceId, moduleId)
                .orElseThrow(() -> new IllegalArgumentException("Device " + deviceId + " has no module " + moduleId
                        + ".")));
    }

    /** A service connection string; its host name carries the HTTPS port unless that is 443. */
    public String serviceConnectionString(String policyName) {
        return ConnectionStrings.service(serviceHost(), requireStarted().registry().findPolicy(policyName)
                .orElseThrow(() -> new IllegalArgumentException("No shared access policy " + policyName + ".")));
    }

    /** {@code host:port} of the service endpoint, the form the Java service SDK takes with a SAS credential. */
    public String serviceHost() {
        return httpsPort == 443 ? hostName : hostName + ":" + httpsPort;
    }

    private HubIdentity requireStarted() {
        if (identity == null) {
            throw new IllegalStateException("The local hub is not started.");
        }
        return identity;
    }

    private Set<String> acceptedHostNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(hostName);
        if (!isWildcard(bindAddress)) {
            names.add(bindAddress);
        }
        return names;
    }

    private List<String> certificateNames() {
        return List.copyOf(acceptedHostNames());
    }

    /**
     * The HTTPS endpoint once more on the WebSocket port, where it can: a hub without the right to bind port 443
     * says so in one line and goes on without MQTT over WebSockets.
     */
    private int listenForWebSockets() {
        if (requestedWebSocketPort == 0 || requestedWebSocketPort == httpsPort) {
            return requestedWebSocketPort;
        }
        try {
            return await(httpServer.listen(requestedWebSocketPort), "MQTT over WebSockets", requestedWebSocketPort);
        } catch (LocalHubException e) {
            LOG.warn("No MQTT over WebSockets (MQTT_WS) on {}:{}: {}", bindAddress, requestedWebSocketPort,
                    whyNotBound(e.getCause()));
            return 0;
        }
    }

    /** AMQP where it can: a hub whose AMQP port is taken says so in one line and goes on with MQTT. */
    private int listenForAmqp() {
        if (amqpServer == null) {
            return 0;
        }
        try {
            return await(amqpServer.listen(), "AMQP", requestedAmqpPort);
        } catch (LocalHubException e) {
            LOG.warn("No AMQP (AMQPS) on {}:{}: {}", bindAddress, requestedAmqpPort,
                    whyNotBound(e.getCause()).replace("--websocket-port 0", "--amqp-port 0"));
            return 0;
        }
    }

    private static String whyNotBound(Throwable cause) {
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        if (message.contains("Permission denied") || message.contains("Access denied")) {
            return "binding a port below 1024 needs root; allow it with 'sudo setcap cap_net_bind_service=+ep"
                    + " $(readlink -f $(which java))' or 'sudo sysctl net.ipv4.ip_unprivileged_port_start=443'"
                    + " (or turn this off with --websocket-port 0)";
        }
        if (message.contains("in use")) {
            return "the port is in use by another program; stop it (or turn this off with --websocket-port 0)";
        }
        return message;
    }

    private int await(Future<Integer> listening, String endpoint, int port) {
        try {
            return listening.toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalHubException("Interrupted while starting the local hub.", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")) {
                throw new LocalHubException(endpoint + " port " + bindAddress + ":" + port
                        + " is already in use: is another local hub running? Stop it, or pick another address or port.", cause);
            }
            throw new LocalHubException("Cannot listen for " + endpoint + " on " + bindAddress + ":" + port + ": "
                    + cause.getMessage(), cause);
        }
    }

    private static String defaultHostName(String bindAddress) {
        return isWildcard(bindAddress) ? DEFAULT_BIND_ADDRESS : bindAddress;
    }

    private static boolean isWildcard(String address) {
        return "0.0.0.0".equals(address) || "::".equals(address) || "[::]".equals(address);
    }

    /** Settings of a {@link LocalHub}; every one has a default that suits a single developer machine. */
    public static final class Builder {
        private Path dataDirectory;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private String hostName;
        private int mqttPort = DEFAULT_MQTT_PORT;
        private int httpsPort = DEFAULT_HTTPS_PORT;
        private int webSocketPort = DEFAULT_WEBSOCKET_PORT;
        private int amqpPort = DEFAULT_AMQP_PORT;
        private Clock clock = Clock.systemUTC();
        private TelemetryRetention telemetryRetention = TelemetryRetention.DEFAULT;
        private TelemetryDurability telemetryDurability = TelemetryDurability.NORMAL;
        private HubLimits limits = HubLimits.DEFAULT;
        private int eventLoops = EventLoopListeners.defaultEventLoops();

        private Builder() {
        }

        /** Threads that serve connections, MQTT and HTTPS alike; default {@link EventLoopListeners#defaultEventLoops()}. */
        public Builder eventLoops(int eventLoops) {
            if (eventLoops < 1 || eventLoops > MAX_EVENT_LOOPS) {
                throw new IllegalArgumentException("Event loops must be 1 to " + MAX_EVENT_LOOPS + ", not " + eventLoops + ".");
            }
            this.eventLoops = eventLoops;
            return this;
        }

        /** Caps on connections and calls in flight; see {@link HubLimits#DEFAULT}. */
        public Builder limits(HubLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** How much telemetry to keep for replay; default the newest 100,000 messages of the last day. */
        public Builder telemetryRetention(TelemetryRetention telemetryRetention) {
            this.telemetryRetention = Objects.requireNonNull(telemetryRetention);
            return this;
        }

        /** NORMAL (default) keeps acknowledged telemetry through a hub crash; FULL also through a power loss. */
        public Builder telemetryDurability(TelemetryDurability telemetryDurability) {
            this.telemetryDurability = Objects.requireNonNull(telemetryDurability);
            return this;
        }

        /** Where the CA, keys and registry live; default {@code LOCAL_IOTHUB_DATA_DIR} or {@code ~/.local-iothub}. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        /** The address both endpoints listen on; default 127.0.0.1. */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress);
            return this;
        }

        /** The hub's host name as clients write it in connection strings; default the bind address. */
        public Builder hostName(String hostName) {
            this.hostName = Objects.requireNonNull(hostName);
            return this;
        }

        /** Default 8883; the Java device SDK knows no other port. */
        public Builder mqttPort(int mqttPort) {
            this.mqttPort = requirePort(mqttPort);
            return this;
        }

        /** Default 8443; 0 picks a free port; 443 serves SDKs that know no other port. */
        public Builder httpsPort(int httpsPort) {
            this.httpsPort = requirePort(httpsPort);
            return this;
        }

        /**
         * Where the HTTPS endpoint also listens, for devices' MQTT over WebSockets: default 443, the only port the
         * Azure device SDKs use for it; 0 turns it off. A port the hub may not bind is reported and skipped.
         */
        public Builder webSocketPort(int webSocketPort) {
            this.webSocketPort = requirePort(webSocketPort);
            return this;
        }

        /** Where devices reach AMQP over TLS: default 5671, the Azure device SDKs' AMQPS port; 0 turns it off. */
        public Builder amqpPort(int amqpPort) {
            this.amqpPort = requirePort(amqpPort);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public LocalHub build() {
            return new LocalHub(this);
        }

        private static int requirePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("A port is 0 to 65535, not " + port + ".");
            }
            return port;
        }
    }
}
