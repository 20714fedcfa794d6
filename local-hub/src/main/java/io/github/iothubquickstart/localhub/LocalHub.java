package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.amqp.AmqpConnectionHandler;
import io.github.iothubquickstart.localhub.amqp.AmqpDeviceServer;
import io.github.iothubquickstart.localhub.amqp.EventHubsEndpoint;
import io.github.iothubquickstart.localhub.auth.CertificateAuthenticator;
import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.blobs.BlobAccess;
import io.github.iothubquickstart.localhub.blobs.BlobRequest;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.blobs.StorageAccount;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import io.github.iothubquickstart.localhub.storage.StorageAccountBlobStorage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.github.iothubquickstart.localhub.data.BlobAccountKey;
import io.github.iothubquickstart.localhub.rest.BlobRoutes;
import io.github.iothubquickstart.localhub.storage.DiskBlobStore;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceStore;
import io.github.iothubquickstart.localhub.configurations.ConfigurationApplier;
import io.github.iothubquickstart.localhub.configurations.ConfigurationService;
import io.github.iothubquickstart.localhub.configurations.ConfigurationTriggers;
import io.github.iothubquickstart.localhub.configurations.FleetTwins;
import io.github.iothubquickstart.localhub.configurations.ModuleChangeWatch;
import io.github.iothubquickstart.localhub.configurations.RegistryChangeWatch;
import io.github.iothubquickstart.localhub.configurations.TwinChangeWatch;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackQueue;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.dashboard.Dashboard;
import io.github.iothubquickstart.localhub.dashboard.DashboardAssets;
import io.github.iothubquickstart.localhub.dashboard.DashboardToken;
import io.github.iothubquickstart.localhub.dashboard.SameOriginGuard;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwinCommands;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwins;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
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
import io.github.iothubquickstart.localhub.rest.CaCertificateRoutes;
import io.github.iothubquickstart.localhub.rest.FaultRoutes;
import io.github.iothubquickstart.localhub.rest.FileUploadRoutes;
import io.github.iothubquickstart.localhub.rest.CloudToDeviceRoutes;
import io.github.iothubquickstart.localhub.rest.HttpErrorResponder;
import io.github.iothubquickstart.localhub.rest.MethodsRoute;
import io.github.iothubquickstart.localhub.rest.MonitorRoute;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.rest.QueryRoute;
import io.github.iothubquickstart.localhub.rest.JobJson;
import io.github.iothubquickstart.localhub.rest.ScheduledJobRoutes;
import io.github.iothubquickstart.localhub.jobs.ScheduledJobs;
import io.github.iothubquickstart.localhub.storage.SqliteJobStore;
import io.github.iothubquickstart.localhub.rest.RegistryRoutes;
import io.github.iothubquickstart.localhub.rest.ModuleRoutes;
import io.github.iothubquickstart.localhub.rest.DeviceHttpsApi;
import io.github.iothubquickstart.localhub.rest.DigitalTwinRoutes;
import io.github.iothubquickstart.localhub.rest.ProvisioningDeviceApi;
import io.github.iothubquickstart.localhub.rest.RestServer;
import io.github.iothubquickstart.localhub.rest.ExportImportDeviceJson;
import io.github.iothubquickstart.localhub.rest.ImportExportJobRoutes;
import io.github.iothubquickstart.localhub.importexport.ImportExportJobs;
import io.github.iothubquickstart.localhub.storage.SqliteImportExportJobStore;
import io.github.iothubquickstart.localhub.rest.ServiceApi;
import io.github.iothubquickstart.localhub.rest.StatisticsRoutes;
import io.github.iothubquickstart.localhub.rest.TwinRoutes;
import io.github.iothubquickstart.localhub.rest.ConfigurationLines;
import io.github.iothubquickstart.localhub.rest.ConfigurationRoutes;
import io.github.iothubquickstart.localhub.storage.SqliteCloudToDeviceStore;
import io.github.iothubquickstart.localhub.storage.SqliteConfigurationStore;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.mqtt.MqttProvisioning;
import io.github.iothubquickstart.localhub.data.ProvisioningServicePolicy;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.rest.EnrollmentGroupRoutes;
import io.github.iothubquickstart.localhub.rest.EnrollmentRoutes;
import io.github.iothubquickstart.localhub.rest.ProvisioningServiceApi;
import io.github.iothubquickstart.localhub.rest.RegistrationStateRoutes;
import java.util.Optional;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import io.github.iothubquickstart.localhub.storage.SegmentTelemetryLog;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.PartitionedTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.github.iothubquickstart.localhub.twin.DesiredPropertiesPusher;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.github.iothubquickstart.localhub.websocket.DeviceWebSockets;
import io.github.iothubquickstart.localhubclient.EventHubsConnectionStrings;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import io.github.iothubquickstart.localhubclient.RunningHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private static final long START_STOP_TIMEOUT_SECONDS = 30;
    static final String TELEMETRY_LOG = "telemetry";
    /** Where versions before the telemetry log kept telemetry (SQLite); no longer read. */
    private static final String EARLIER_TELEMETRY_JOURNAL = "telemetry.db";
    static final String SESSION_STORE = "sessions.db";
    static final String CLOUD_TO_DEVICE_STORE = "cloud-to-device.db";
    static final String IMPORT_EXPORT_JOBS = "import-export-jobs.db";
    static final String JOB_STORE = "jobs.db";
    static final String CONFIGURATION_STORE = "configurations.db";
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(1);

    private final Path dataDirectory;
    private final String bindAddress;
    private final String hostName;
    private final int requestedMqttPort;
    private final int requestedHttpsPort;
    private final int requestedWebSocketPort;
    private final int requestedAmqpPort;
    private final int requestedEventHubsPort;
    private final String hubName;
    private final int partitions;
    private final List<String> consumerGroups;
    private final Clock clock;
    private final java.time.Duration cloudToDeviceLockTimeout;
    private final TelemetryRetention telemetryRetention;
    private final TelemetryDurability telemetryDurability;
    private final int eventLoops;
    private final HubLimits limits;
    /** Null: the data directory's CA certificates ({@code local-hub ca-certificate add}). */
    private final TrustedCertificateAuthorities requestedCertificateAuthorities;
    /** Null: the built-in blob endpoint. */
    private final StorageConnectionString storageAccount;
    private final String fileUploadContainer;

    private Vertx vertx;
    private HubIdentity identity;
    private TelemetryFeed telemetry;
    private FaultInjector faults;
    private PersistentSessions persistentSessions;
    private CloudToDeviceStore cloudToDeviceStore;
    private final BlobStorage requestedBlobStorage;
    private SqliteImportExportJobStore importExportJobStore;
    private ImportExportJobs importExportJobs;
    private SqliteConfigurationStore configurationStore;
    private ConfigurationTriggers configurationTriggers;
    private ScheduledExecutorService cloudToDeviceThread;
    private CloudToDeviceQueues cloudToDevice;
    private ConnectedDevices devices;
    private DirectMethodService methods;
    private SqliteJobStore jobStore;
    private ScheduledJobs scheduledJobs;
    private MqttDeviceServer mqttServer;
    private RestServer httpServer;
    private AmqpDeviceServer amqpServer;
    private AmqpDeviceServer eventHubsServer;
    private int mqttPort;
    private int httpsPort;
    private int webSocketPort;
    private int amqpPort;
    private int eventHubsPort;
    private RunningHub published;
    private DashboardToken dashboardToken;
    private ProvisioningService provisioning;
    private DeviceRegistrations deviceRegistrations;
    private SharedAccessPolicy provisioningServicePolicy;
    private FileUploadWiring fileUpload;
    private BuiltInBlobStorage builtInBlobs;
    private BlobStorage blobStorage;

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
        this.requestedEventHubsPort = builder.eventHubsPort;
        this.hubName = builder.hubName != null ? builder.hubName : defaultHubName(this.hostName);
        this.partitions = builder.partitions;
        this.consumerGroups = List.copyOf(builder.consumerGroups);
        this.clock = builder.clock;
        this.cloudToDeviceLockTimeout = builder.cloudToDeviceLockTimeout;
        this.telemetryRetention = builder.telemetryRetention;
        this.telemetryDurability = builder.telemetryDurability;
        this.limits = builder.limits;
        this.eventLoops = builder.eventLoops;
        this.requestedCertificateAuthorities = builder.trustedCertificateAuthorities;
        this.requestedBlobStorage = builder.blobStorage;
        this.storageAccount = builder.storageAccount;
        this.fileUploadContainer = builder.fileUploadContainer;
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
            cloudToDeviceStore = SqliteCloudToDeviceStore.open(dataDirectory.resolve(CLOUD_TO_DEVICE_STORE));
            importExportJobStore = SqliteImportExportJobStore.open(dataDirectory.resolve(IMPORT_EXPORT_JOBS));
            configurationStore = SqliteConfigurationStore.open(dataDirectory.resolve(CONFIGURATION_STORE));
            telemetry = telemetryRetention.storesNothing()
                    ? TelemetryFeed.unstored(clock)
                    : TelemetryFeed.stored(clock, SegmentTelemetryLog.open(dataDirectory.resolve(TELEMETRY_LOG),
                            telemetryDurability), telemetryRetention, telemetryDurability);
        } catch (RuntimeException e) {
            if (persistentSessions != null) {
                persistentSessions.close();
            }
            if (cloudToDeviceStore != null) {
                cloudToDeviceStore.close();
            }
            closeImportExport();
            if (configurationStore != null) {
                configurationStore.close();
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
            // The HTTPS port asks for client certificates only when it is the devices' port (443) too.
            httpsPort = await(httpServer.listen(requestedWebSocketPort != 0 && requestedWebSocketPort == requestedHttpsPort),
                    "HTTPS", requestedHttpsPort);
            webSocketPort = listenForWebSockets();
            amqpPort = listenForAmqp();
            eventHubsPort = listenForEventHubs();
            published = RunningHubPublication.publish(dataDirectory, hostName, bindAddress, mqttPort, httpsPort, identity,
                    hubName, eventHubsPort, amqpPort, provisioningServicePolicy);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Local IoT hub {} listening: MQTT on {}:{}, HTTPS on {}:{}, MQTT and AMQP over WebSockets on {},"
                        + " AMQP {}, Event Hubs-compatible endpoint '{}' ({} partitions) {} (TLS by {}, {} event loops"
                        + " on {}), data in {}",
                hostName, bindAddress, mqttPort, bindAddress, httpsPort,
                webSocketPort == 0 ? "the HTTPS port only" : bindAddress + ":" + webSocketPort,
                amqpPort == 0 ? "off" : "on " + bindAddress + ":" + amqpPort, hubName, partitions,
                eventHubsPort == 0 ? "on the AMQP port only" : "also on plain " + bindAddress + ":" + eventHubsPort,
                SslEngines.fastestName(), eventLoops,
                vertx.isNativeTransportEnabled() ? "epoll" : "NIO", dataDirectory);
        return this;
    }

    /** Every part of the hub, built once, each given what it needs: transports on top of the features. */
    private void wire() {
        Set<String> hubNames = acceptedHostNames();
        SasVerifier verifier = new SasVerifier(clock);
        devices = new ConnectedDevices(vertx, clock);
        faults = new FaultInjector(vertx, clock, devices);
        methods = new DirectMethodService(identity.registry(), identity.registry(), devices, new PendingMethodCalls(vertx),
                limits.maxMethodCallsPerDevice(), limits.maxMethodCallsInFlight());
        cloudToDeviceThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cloud-to-device");
            thread.setDaemon(true);
            return thread;
        });
        FeedbackQueue feedback = new FeedbackQueue(cloudToDeviceStore, cloudToDeviceThread, clock,
                FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        cloudToDevice = new CloudToDeviceQueues(cloudToDeviceStore, identity.registry(), feedback, cloudToDeviceThread,
                clock, cloudToDeviceLockTimeout).start();
        // The registry shows each device's queue depth (cloudToDeviceMessageCount).
        // Configurations are evaluated again when a device or its twin changes: both stores are watched.
        configurationTriggers = new ConfigurationTriggers();
        RegistryService registryService = new RegistryService(
                new RegistryChangeWatch(identity.registry(), configurationTriggers), devices, cloudToDevice);
        ModuleService moduleService = new ModuleService(identity.registry(),
                new ModuleChangeWatch(identity.registry(), configurationTriggers), devices);
        TwinService twins = new TwinService(new TwinChangeWatch(identity.twins(), configurationTriggers),
                new DesiredPropertiesPusher(devices), clock);
        ModelAnnouncements modelAnnouncements = new ModelAnnouncements(identity.twins());
        FleetTwins fleet = new FleetTwins(registryService, moduleService, identity.twins(),
                ConfigurationRoutes.twinShape(), ConfigurationRoutes.moduleTwinShape());
        ConfigurationApplier configurationApplier = new ConfigurationApplier(configurationStore, fleet, twins,
                configurationTriggers).start();
        // The Device Provisioning Service assigns devices to this hub under the host name its connection strings use.
        provisioning = new ProvisioningService(identity.provisioning(), identity.idScope(), clock);
        deviceRegistrations = new DeviceRegistrations(provisioning, identity.provisioning(), registryService, twins,
                verifier, hostName, clock, identity.caCertificates()::list);
        DeviceAuthenticator deviceAuthenticator = new DeviceAuthenticator(identity.registry(), identity.registry(),
                verifier, hubNames, new CertificateAuthenticator(identity.registry(), identity.registry(),
                        trustedCertificateAuthorities()));
        dashboardToken = DashboardToken.random(new SecureRandom());
        ServiceAuthenticator serviceAuthenticator = new ServiceAuthenticator(identity.registry(), verifier, hubNames,
                dashboardToken);
        DashboardAssets dashboardAssets = new DashboardAssets();
        Dashboard dashboard = new Dashboard(dashboardAssets, new SameOriginGuard(hubNames, dashboardAssets));
        Path certificate = identity.certificates().serverCertificateFile();
        Path key = identity.certificates().serverKeyFile();
        mqttServer = new MqttDeviceServer(vertx, eventLoops, bindAddress, requestedMqttPort, certificate, key,
                limits.connectPacketTimeout(),
                new MqttConnectionHandler(deviceAuthenticator, devices, persistentSessions, methods, telemetry,
                        new MqttTwinRequests(twins), cloudToDevice, limits.maxConnectedDevices(), clock,
                        new MqttProvisioning(deviceRegistrations, clock), faults, modelAnnouncements));
        EventHubsEndpoint eventHubs = new EventHubsEndpoint(vertx, hubName,
                new PartitionedTelemetry(telemetry, new TelemetryPartitions(partitions)), consumerGroups,
                createdAt(), serviceAuthenticator);
        AmqpConnectionHandler amqpHandler = new AmqpConnectionHandler(vertx, clock, deviceAuthenticator,
                serviceAuthenticator, devices, telemetry, faults, methods, twins, modelAnnouncements, cloudToDevice,
                feedback,
                limits.maxConnectedDevices(), limits.maxAmqpSessionsPerConnection(), limits.maxAmqpLinksPerConnection(),
                hostName, hubName, limits.connectPacketTimeout()).withEventHubs(eventHubs)
                .withProvisioning(deviceRegistrations);
        BlobRoutes blobRoutes = builtInBlobStorage();
        if (requestedBlobStorage != null) {
            blobStorage = requestedBlobStorage;
        }
        fileUpload = FileUploadWiring.open(dataDirectory, blobStorage, fileUploadContainer, clock);
        amqpHandler = amqpHandler.withFileUploadNotifications(fileUpload.notifications());
        FileUploadRoutes fileUploadRoutes = new FileUploadRoutes(deviceAuthenticator, devices, fileUpload.uploads(),
                clock);
        amqpServer = requestedAmqpPort == 0 ? null : new AmqpDeviceServer(vertx, eventLoops, bindAddress,
                requestedAmqpPort, certificate, key, amqpHandler);
        eventHubsServer = requestedEventHubsPort == 0 || !isLoopback(bindAddress) ? null
                : AmqpDeviceServer.plain(vertx, eventLoops, bindAddress, requestedEventHubsPort,
                        amqpHandler.eventHubsOnly(eventHubs));
        // MQTT_WS and AMQPS_WS: one path, the protocol chosen by the WebSocket subprotocol (AMQP's even without 5671).
        DeviceWebSockets webSockets = new DeviceWebSockets(List.of(mqttServer.overWebSockets(),
                amqpHandler.overWebSockets()));
        BulkRegistryOperations bulkOperations = new BulkRegistryOperations(registryService, moduleService);
        DeviceQueries queries = new DeviceQueries(registryService, moduleService, identity.twins());
        jobStore = SqliteJobStore.open(dataDirectory.resolve(JOB_STORE));
        scheduledJobs = new ScheduledJobs(jobStore, condition -> queries.deviceIdsWhere(condition, QueryRoute.TWINS),
                methods, twins, clock).resume();
        ServiceApi serviceApi = new ServiceApi(
                new MethodsRoute(serviceAuthenticator, methods),
                new MonitorRoute(vertx, serviceAuthenticator, telemetry),
                new RegistryRoutes(serviceAuthenticator, registryService),
                new ModuleRoutes(serviceAuthenticator, moduleService),
                new BulkRegistryRoute(serviceAuthenticator, bulkOperations),
                new StatisticsRoutes(serviceAuthenticator, registryService, devices),
                new TwinRoutes(serviceAuthenticator, twins, registryService, moduleService, configurationApplier),
                new QueryRoute(serviceAuthenticator, queries.withDeviceJobs(() -> scheduledJobs.deviceJobs().stream()
                        .map(JobJson::deviceJob).toList())),
                new CloudToDeviceRoutes(serviceAuthenticator, cloudToDevice),
                new CaCertificateRoutes(serviceAuthenticator, identity.caCertificates()),
                new FaultRoutes(serviceAuthenticator, faults));
        DeviceHttpsApi deviceHttps = new DeviceHttpsApi(deviceAuthenticator, devices, telemetry, cloudToDevice,
                limits.maxConnectedDevices(), clock);
        ProvisioningDeviceApi provisioningDevices = new ProvisioningDeviceApi(deviceRegistrations, clock,
                limits.maxConnectedDevices());
        // The dashboard first: its same-origin guard runs before the API's routes; devices' routes before the
        // service API's, whose /devices* handlers would otherwise take their requests first.
        ConfigurationService configurationService = new ConfigurationService(configurationStore,
                configurationApplier, configurationTriggers, fleet, registryService, clock);
        importExportJobs = new ImportExportJobs(importExportJobStore, blobStorage, registryService, moduleService,
                twins, new ExportImportDeviceJson(), new ConfigurationLines(configurationService), clock);
        ImportExportJobRoutes importExportRoutes = new ImportExportJobRoutes(serviceAuthenticator, importExportJobs);
        httpServer = new RestServer(vertx, eventLoops, bindAddress, requestedHttpsPort, certificate, key,
                List.of(dashboard::mountOn, blobRoutes::mountOn, provisioningDevices::mountOn, deviceHttps::mountOn,
                        fileUploadRoutes::mountOn, serviceApi::mountOn,
                        importExportRoutes::mountOn,
                        new DigitalTwinRoutes(serviceAuthenticator, new DigitalTwins(twins),
                                new DigitalTwinCommands(methods))::mountOn,
                        new ScheduledJobRoutes(serviceAuthenticator, scheduledJobs, clock)::mountOn,
                        new ConfigurationRoutes(serviceAuthenticator, configurationService)::mountOn,
                        provisioningServiceApi()::mountOn,
                        webSockets::mountOn),
                new HttpErrorResponder(clock));
    }

    /**
     * The built-in blob endpoint ({@code /localhub/...} on the HTTPS listener) and the blob storage the features use,
     * its files under the data directory, its account key made once per data directory.
     */
    private BlobRoutes builtInBlobStorage() {
        StorageAccount account = BlobAccountKey.loadOrCreate(dataDirectory);
        DiskBlobStore store = DiskBlobStore.open(dataDirectory);
        builtInBlobs = new BuiltInBlobStorage(account, store, this::serviceHostAndPort,
                work -> vertx.executeBlocking(() -> {
                    work.run();
                    return null;
                }, false), clock);
        // A storage account named by connection string reached over TLS trusting the JDK's CAs and the hub's own.
        blobStorage = storageAccount == null ? builtInBlobs : new StorageAccountBlobStorage(storageAccount,
                TrustedCa.trustingSystemAnd(identity.certificates().caCertificateFile()), clock);
        return new BlobRoutes(new BlobAccess(account, clock), store, clock, BuiltInBlobStorage.MAX_BLOB_BYTES);
    }

    /**
     * DPS's service API (enrollments, registration states) beside IoT Hub's, for holders of the provisioning service's
     * own policy; {@code ProvisioningServiceClient} reaches it on 443 only (its connection string takes no port).
     */
    private ProvisioningServiceApi provisioningServiceApi() {
        provisioningServicePolicy = ProvisioningServicePolicy.loadOrCreate(dataDirectory);
        SharedAccessPolicy policy = provisioningServicePolicy;
        ProvisioningServiceAuthenticator authenticator = new ProvisioningServiceAuthenticator(
                name -> Optional.of(policy).filter(known -> known.name().equals(name)), new SasVerifier(clock),
                acceptedHostNames());
        return new ProvisioningServiceApi(authenticator, new EnrollmentRoutes(provisioning),
                new EnrollmentGroupRoutes(provisioning), new RegistrationStateRoutes(provisioning), clock);
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
        if (scheduledJobs != null) {
            // Before the devices go: what jobs were doing stays stored as running, for the next start to resume.
            scheduledJobs.close();
            scheduledJobs = null;
        }
        try {
            if (mqttServer != null) {
                // First stop taking devices in, so none connects to a hub that is going away...
                mqttServer.close().toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (amqpServer != null) {
                amqpServer.close().toCompletionStage().toCompletableFuture().get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (eventHubsServer != null) {
                eventHubsServer.close().toCompletionStage().toCompletableFuture()
                        .get(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
        // Before Vert.x: a running import or export may be waiting on blob storage served by its threads.
        closeImportExport();
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
            closeCloudToDevice();
            if (fileUpload != null) {
                fileUpload.close();
                fileUpload = null;
            }
            if (jobStore != null) {
                jobStore.close();
                jobStore = null;
            }
            closeConfigurations();
            persistentSessions.close();
            closeImportExport();
            closeIdentity();
        }
        LOG.info("Local IoT hub {} stopped", hostName);
    }

    /** Lets the cloud-to-device thread finish what it took (every send it accepted is stored), then closes the store. */
    private void closeCloudToDevice() {
        if (cloudToDevice != null) {
            cloudToDevice.close();
            cloudToDevice = null;
        }
        if (cloudToDeviceThread != null) {
            cloudToDeviceThread.shutdown();
            try {
                if (!cloudToDeviceThread.awaitTermination(START_STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("The cloud-to-device queues did not stop in time");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cloudToDeviceThread = null;
        }
        cloudToDeviceStore.close();
        cloudToDeviceStore = null;
    }

    /** Stops the running import or export job (it ends failed, as after a crash), then closes its store. */
    private void closeImportExport() {
        if (importExportJobs != null) {
            importExportJobs.close();
            importExportJobs = null;
        }
        if (importExportJobStore != null) {
            importExportJobStore.close();
            importExportJobStore = null;
        }
    }

    /** Lets the configurations thread finish what it took, then closes their store. */
    private void closeConfigurations() {
        if (configurationTriggers != null) {
            configurationTriggers.close();
            configurationTriggers = null;
        }
        configurationStore.close();
        configurationStore = null;
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
     * The port on which devices reach MQTT and AMQP over WebSockets as the Azure SDKs open them (443), or 0 when the
     * hub does not listen there (turned off, or the port could not be bound; the hub said why when it started). The
     * HTTPS port serves them too.
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

    /**
     * The hub's name: the event hub its Event Hubs-compatible endpoint serves ({@code EntityPath}), as IoT Hub names
     * that endpoint after the hub.
     */
    public String hubName() {
        return hubName;
    }

    /** The partitions of the Event Hubs-compatible endpoint. */
    public int partitions() {
        return partitions;
    }

    /**
     * The plain AMQP port of the Event Hubs-compatible endpoint, for the Event Hubs SDKs' emulator mode (5672 unless
     * set otherwise), or 0 when there is none (turned off, not on a loopback address, or the port was in use). The
     * endpoint is on the AMQP port too, over TLS.
     */
    public int eventHubsPort() {
        return eventHubsPort;
    }

    /**
     * The connection string an Event Hubs client reads the hub's telemetry with: emulator mode (plain AMQP on
     * {@link #eventHubsPort()}), or with {@code tls} AMQP over TLS on {@link #amqpPort()} for a client that trusts
     * the hub's CA.
     */
    public String eventHubsConnectionString(String policyName, boolean tls) {
        PolicyKey policy = policyKey(policyName);
        int port = tls ? amqpPort : eventHubsPort;
        if (port == 0) {
            throw new IllegalStateException("The hub does not listen for " + (tls ? "AMQP over TLS" : "plain AMQP")
                    + " (its port is off or was in use).");
        }
        return tls ? EventHubsConnectionStrings.tls(hostName, port, hubName, policy)
                : EventHubsConnectionStrings.emulator(hostName, port, hubName, policy);
    }

    private PolicyKey policyKey(String policyName) {
        return requireStarted().registry().findPolicy(policyName)
                .map(policy -> new PolicyKey(policy.name(), policy.primaryKey()))
                .orElseThrow(() -> new IllegalArgumentException("No shared access policy " + policyName + "."));
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

    /**
     * The hub's Device Provisioning Service: enrollments and registration states (blocking calls: the data is in
     * {@code provisioning.db}).
     */
    public ProvisioningService provisioning() {
        requireStarted();
        return provisioning;
    }

    /** What device transports call when a device registers through the Device Provisioning Service. */
    public DeviceRegistrations deviceRegistrations() {
        requireStarted();
        return deviceRegistrations;
    }

    /**
     * {@code HostName=<host>;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=...}: what
     * {@code ProvisioningServiceClient} takes. No port: the SDK accepts none and always connects to 443.
     */
    public String provisioningServiceConnectionString() {
        requireStarted();
        return ConnectionStrings.service(hostName, provisioningServicePolicy);
    }

    /** The ID scope devices register in ({@code 0ne...}), the same for the life of the data directory. */
    public String idScope() {
        return requireStarted().idScope();
    }

    /** The CA certificate clients must trust to talk to this hub. */
    public Path caCertificateFile() {
        return requireStarted().certificates().caCertificateFile();
    }

    public HubIdentity identity() {
        return requireStarted();
    }

    /**
     * Waits until the hub has applied configurations for every change made so far (twins, devices, configurations
     * are evaluated on a thread of their own, after the call that changed them answered), at most {@code limit}.
     * For tests that must know a twin was evaluated before they change it.
     */
    public void awaitConfigurationsEvaluated(java.time.Duration limit) throws InterruptedException {
        requireStarted();
        configurationTriggers.awaitIdle(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The CAs a device's certificate chain must end at: the builder's, else the data directory's (read at each check). */
    public TrustedCertificateAuthorities trustedCertificateAuthorities() {
        HubIdentity started = requireStarted();
        return requestedCertificateAuthorities != null ? requestedCertificateAuthorities
                : started.certificateAuthorities();
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

    /** The blob storage devices upload files to and import/export jobs use: the built-in endpoint by default. */
    public BlobStorage blobStorage() {
        requireStarted();
        return blobStorage;
    }

    /**
     * The connection string of the built-in blob endpoint's account, for the Azure Storage SDKs
     * ({@code new BlobServiceClientBuilder().connectionString(...)}):
     * {@code DefaultEndpointsProtocol=https;AccountName=localhub;AccountKey=...;BlobEndpoint=https://host:port/localhub;}.
     */
    public String storageConnectionString() {
        requireStarted();
        return BuiltInBlobStorage.connectionString(builtInBlobs.account(), serviceHostAndPort());
    }

    /** {@code host:port} of the HTTPS endpoint, the port always written (the Azure Storage SDKs' path-style URLs). */
    private String serviceHostAndPort() {
        return hostName + ":" + httpsPort;
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
     * says so in one line and goes on without MQTT and AMQP over WebSockets.
     */
    private int listenForWebSockets() {
        if (requestedWebSocketPort == 0 || requestedWebSocketPort == httpsPort) {
            return requestedWebSocketPort;
        }
        try {
            return await(httpServer.listen(requestedWebSocketPort), "WebSockets", requestedWebSocketPort);
        } catch (LocalHubException e) {
            LOG.warn("No MQTT or AMQP over WebSockets (MQTT_WS, AMQPS_WS) on {}:{}: {}", bindAddress,
                    requestedWebSocketPort, whyNotBound(e.getCause()));
            return 0;
        }
    }

    /** AMQP where it can: a hub whose AMQP port is taken says so in one line and goes on with MQTT. */
    private int listenForAmqp() {
        return amqpServer == null ? 0 : listenOrSkip(amqpServer, "AMQP (AMQPS)", requestedAmqpPort, "--amqp-port 0");
    }

    /** An optional AMQP listener: one whose port is taken or not allowed is reported in one line, and the hub goes on. */
    private int listenOrSkip(AmqpDeviceServer server, String what, int port, String turnOff) {
        try {
            return await(server.listen(), what, port);
        } catch (LocalHubException e) {
            LOG.warn("No {} on {}:{}: {}", what, bindAddress, port,
                    whyNotBound(e.getCause()).replace("--websocket-port 0", turnOff));
            return 0;
        }
    }

    /** The plain Event Hubs listener where it can: a port in use is reported in one line, and the hub goes on. */
    private int listenForEventHubs() {
        if (eventHubsServer == null) {
            if (requestedEventHubsPort != 0) {
                LOG.warn("No plain AMQP for the Event Hubs emulator mode on {}: it is not a loopback address, and"
                        + " plain AMQP is for loopback only. Event Hubs clients read over TLS on the AMQP port.",
                        bindAddress);
            }
            return 0;
        }
        return listenOrSkip(eventHubsServer, "plain AMQP for the Event Hubs emulator mode", requestedEventHubsPort,
                "--event-hubs-port 0");
    }

    /** What {@code $management} says the event hub was created at: when the hub's CA was made, on its first start. */
    private Instant createdAt() {
        try {
            return Files.getLastModifiedTime(identity.certificates().caCertificateFile()).toInstant();
        } catch (IOException e) {
            return clock.instant();
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first label of a host name that is a name ({@code myhub.example.test}: myhub), else {@link #DEFAULT_HUB_NAME}. */
    public static String defaultHubName(String hostName) {
        String firstLabel = hostName.split("\\.", -1)[0];
        boolean address = hostName.chars().noneMatch(Character::isLetter) || hostName.contains(":");
        return !address && firstLabel.matches("[A-Za-z0-9-]{3,50}") ? firstLabel : DEFAULT_HUB_NAME;
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
        private int eventHubsPort = DEFAULT_EVENT_HUBS_PORT;
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

        private Builder() {
        }

        /**
         * The blob storage the hub's features work with instead of the built-in endpoint (an embedding application's
         * own, or a test's); the built-in endpoint still serves its own containers.
         */
        public Builder blobStorage(BlobStorage blobStorage) {
            this.blobStorage = Objects.requireNonNull(blobStorage);
            return this;
        }

        /**
         * The storage account file uploads go to and import/export jobs use, as IoT Hub links one (Azurite, Azure
         * Storage: {@code AccountName}, {@code AccountKey}, {@code BlobEndpoint}); default the built-in blob endpoint.
         */
        public Builder storageConnectionString(String connectionString) {
            this.storageAccount = StorageConnectionString.parse(connectionString);
            return this;
        }

        /**
         * The container devices' files go to (IoT Hub's file upload container), made when the hub starts; default
         * {@value FileUploads#DEFAULT_CONTAINER}.
         *
         * @throws IllegalArgumentException when it is not an Azure container name
         */
        public Builder fileUploadContainer(String container) {
            try {
                BlobRequest.requireContainerName(Objects.requireNonNull(container));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("The file upload container " + container + " is not a container"
                        + " name: 3 to 63 lower-case letters, digits and single hyphens.", e);
            }
            this.fileUploadContainer = container;
            return this;
        }

        /** The CAs devices' certificates may be signed by; default: the data directory's ({@code ca-certificate add}). */
        public Builder trustedCertificateAuthorities(TrustedCertificateAuthorities trustedCertificateAuthorities) {
            this.trustedCertificateAuthorities = Objects.requireNonNull(trustedCertificateAuthorities);
            return this;
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

        /**
         * How long a device may hold a cloud-to-device message without completing, rejecting or abandoning it before
         * it is queued again; default one minute, IoT Hub's (which it does not let you change). For tests.
         */
        public Builder cloudToDeviceLockTimeout(java.time.Duration lockTimeout) {
            if (lockTimeout.isNegative() || lockTimeout.isZero()) {
                throw new IllegalArgumentException("The lock timeout must be positive, not " + lockTimeout + ".");
            }
            this.cloudToDeviceLockTimeout = lockTimeout;
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
         * Where the HTTPS endpoint also listens, for devices' MQTT and AMQP over WebSockets: default 443, the only port
         * the Azure device SDKs use for them; 0 turns it off. A port the hub may not bind is reported and skipped.
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

        /**
         * The plain AMQP port of the Event Hubs-compatible endpoint, for the Event Hubs SDKs' emulator mode
         * ({@code UseDevelopmentEmulator=true}): default 5672, the port those SDKs use for it; 0 turns it off. Only on
         * a loopback bind address: anywhere else the endpoint is on the AMQP port, over TLS, only.
         */
        public Builder eventHubsPort(int eventHubsPort) {
            this.eventHubsPort = requirePort(eventHubsPort);
            return this;
        }

        /**
         * The hub's name, which its Event Hubs-compatible endpoint's event hub takes (IoT Hub's rules: 3 to 50 letters,
         * digits and hyphens); default the first label of the host name, or {@value #DEFAULT_HUB_NAME} when the host
         * name is an address.
         */
        public Builder hubName(String hubName) {
            this.hubName = EventHubsEndpoint.requireHubName(hubName);
            return this;
        }

        /** Partitions of the Event Hubs-compatible endpoint: 1 to 32, default 2 (IoT Hub's default for a new hub). */
        public Builder partitions(int partitions) {
            this.partitions = new TelemetryPartitions(partitions).count();
            return this;
        }

        /** Consumer groups of the Event Hubs-compatible endpoint besides {@code $Default}. */
        public Builder consumerGroups(Collection<String> consumerGroups) {
            consumerGroups.forEach(EventHubsEndpoint::requireConsumerGroup);
            this.consumerGroups = List.copyOf(consumerGroups);
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
