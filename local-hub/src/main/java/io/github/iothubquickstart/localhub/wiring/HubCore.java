package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.auth.CertificateAuthenticator;
import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.blobs.StorageAccount;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackQueue;
import io.github.iothubquickstart.localhub.configurations.ConfigurationApplier;
import io.github.iothubquickstart.localhub.configurations.ConfigurationService;
import io.github.iothubquickstart.localhub.configurations.ConfigurationTriggers;
import io.github.iothubquickstart.localhub.configurations.FleetTwins;
import io.github.iothubquickstart.localhub.configurations.ModuleChangeWatch;
import io.github.iothubquickstart.localhub.configurations.RegistryChangeWatch;
import io.github.iothubquickstart.localhub.configurations.TwinChangeWatch;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.dashboard.DashboardToken;
import io.github.iothubquickstart.localhub.data.BlobAccountKey;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.data.ProvisioningServicePolicy;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotifications;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.importexport.ImportExportJobs;
import io.github.iothubquickstart.localhub.jobs.ScheduledJobs;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.PendingMethodCalls;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.registry.BulkRegistryOperations;
import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.rest.ConfigurationLines;
import io.github.iothubquickstart.localhub.rest.ConfigurationRoutes;
import io.github.iothubquickstart.localhub.rest.ExportImportDeviceJson;
import io.github.iothubquickstart.localhub.rest.QueryRoute;
import io.github.iothubquickstart.localhub.storage.DiskBlobStore;
import io.github.iothubquickstart.localhub.storage.StorageAccountBlobStorage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.github.iothubquickstart.localhub.twin.DesiredPropertiesPusher;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the hub's core ({@link HubServices}) once over its stores and takes it down again: the stores open before
 * anything serves, the features built in the order they need one another, and the {@code stop...} and
 * {@link #close()} steps in the order {@code LocalHub} calls them, each safe after a start that failed half-way.
 */
public final class HubCore {
    private static final Logger LOG = LoggerFactory.getLogger(HubCore.class);
    private final HubSettings settings;
    private final HubIdentity identity;
    private final HubStores stores;
    private CloudToDeviceQueues cloudToDevice;
    private ConfigurationTriggers configurationTriggers;
    private FileUploadWiring fileUpload;
    private ScheduledJobs scheduledJobs;
    private ImportExportJobs importExportJobs;
    private ConnectedDevices devices;
    private Vertx vertx;

    private HubCore(HubSettings settings, HubIdentity identity, HubStores stores) {
        this.settings = settings;
        this.identity = identity;
        this.stores = stores;
    }

    /**
     * Opens (or on first start creates) the data directory's identity, then the stores: one that cannot be opened
     * stops the start with nothing listening, and what was opened is closed again.
     */
    public static HubCore open(HubSettings settings) {
        HubIdentity identity = HubIdentity.openOrCreate(settings.dataDirectory(),
                List.copyOf(settings.acceptedHostNames()), settings.clock());
        try {
            return new HubCore(settings, identity, HubStores.open(settings));
        } catch (RuntimeException e) {
            closeIdentity(identity);
            throw e;
        }
    }

    /** The hub's identity on disk: its CA and certificates, registry, twins and provisioning data. */
    public HubIdentity identity() {
        return identity;
    }

    /**
     * Starts Vert.x, whose event loops every transport serves on, and builds every feature, each given what it needs.
     *
     * @param blobHostAndPort {@code host:port} of the HTTPS endpoint once it listens: the built-in blob endpoint's
     */
    public HubServices start(Supplier<String> blobHostAndPort) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
                .setEventLoopPoolSize(settings.eventLoops()));
        this.vertx = vertx;
        Clock clock = settings.clock();
        Set<String> hubNames = settings.acceptedHostNames();
        SasVerifier verifier = new SasVerifier(clock);
        devices = new ConnectedDevices(vertx, clock);
        FaultInjector faults = new FaultInjector(vertx, clock, devices);
        DirectMethodService methods = new DirectMethodService(identity.registry(), identity.registry(), devices,
                new PendingMethodCalls(vertx), settings.limits().maxMethodCallsPerDevice(),
                settings.limits().maxMethodCallsInFlight());
        FeedbackQueue feedback = new FeedbackQueue(stores.cloudToDevice, stores.cloudToDeviceThread, clock,
                FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        cloudToDevice = new CloudToDeviceQueues(stores.cloudToDevice, identity.registry(), feedback,
                stores.cloudToDeviceThread, clock, settings.cloudToDeviceLockTimeout()).start();
        // The registry shows each device's queue depth (cloudToDeviceMessageCount).
        // Configurations are evaluated again when a device or its twin changes: both stores are watched.
        configurationTriggers = new ConfigurationTriggers();
        RegistryService registry = new RegistryService(new RegistryChangeWatch(identity.registry(),
                configurationTriggers), devices, cloudToDevice);
        ModuleService modules = new ModuleService(identity.registry(), new ModuleChangeWatch(identity.registry(),
                configurationTriggers), devices);
        TwinService twins = new TwinService(new TwinChangeWatch(identity.twins(), configurationTriggers),
                new DesiredPropertiesPusher(devices), clock);
        FleetTwins fleet = new FleetTwins(registry, modules, identity.twins(), ConfigurationRoutes.twinShape(),
                ConfigurationRoutes.moduleTwinShape());
        ConfigurationApplier configurationApplier = new ConfigurationApplier(stores.configurations, fleet, twins,
                configurationTriggers).start();
        // The Device Provisioning Service assigns devices to this hub under the host name its connection strings use.
        ProvisioningService provisioning = new ProvisioningService(identity.provisioning(), identity.idScope(), clock);
        DeviceRegistrations deviceRegistrations = new DeviceRegistrations(provisioning, identity.provisioning(),
                registry, twins, verifier, settings.hostName(), clock, identity.caCertificates()::list);
        DeviceAuthenticator deviceAuthenticator = new DeviceAuthenticator(identity.registry(), identity.registry(),
                verifier, hubNames, new CertificateAuthenticator(identity.registry(), identity.registry(),
                        trustedCertificateAuthorities()));
        DashboardToken dashboardToken = DashboardToken.random(new SecureRandom());
        ServiceAuthenticator serviceAuthenticator = new ServiceAuthenticator(identity.registry(), verifier, hubNames,
                dashboardToken);
        StorageAccount blobAccount = BlobAccountKey.loadOrCreate(settings.dataDirectory());
        DiskBlobStore blobFiles = DiskBlobStore.open(settings.dataDirectory());
        BlobStorage blobStorage = blobStorage(new BuiltInBlobStorage(blobAccount, blobFiles, blobHostAndPort,
                work -> vertx.executeBlocking(() -> {
                    work.run();
                    return null;
                }, false), clock));
        fileUpload = FileUploadWiring.open(settings.dataDirectory(), blobStorage, settings.fileUploadContainer(),
                clock);
        DeviceQueries queries = new DeviceQueries(registry, modules, identity.twins());
        scheduledJobs = new ScheduledJobs(stores.jobs, condition -> queries.deviceIdsWhere(condition,
                QueryRoute.TWINS), methods, twins, clock).resume();
        ConfigurationService configurations = new ConfigurationService(stores.configurations, configurationApplier,
                configurationTriggers, fleet, registry, clock);
        importExportJobs = new ImportExportJobs(stores.importExportJobs, blobStorage, registry, modules, twins,
                new ExportImportDeviceJson(), new ConfigurationLines(configurations), clock);
        return new HubServices(settings, identity, vertx, stores.telemetry, stores.sessions, devices, faults, methods,
                feedback, cloudToDevice, configurationApplier, configurations, registry, modules, twins,
                new ModelAnnouncements(identity.twins()), provisioning, deviceRegistrations,
                ProvisioningServicePolicy.loadOrCreate(settings.dataDirectory()), deviceAuthenticator,
                serviceAuthenticator, dashboardToken, blobAccount, blobFiles, blobStorage, fileUpload.uploads(),
                fileUpload.notifications(), new BulkRegistryOperations(registry, modules), queries, scheduledJobs,
                importExportJobs);
    }

    /**
     * The blob storage the features use: the embedder's own, else a storage account named by connection string
     * (reached over TLS trusting the JDK's CAs and the hub's own), else the built-in endpoint.
     */
    private BlobStorage blobStorage(BuiltInBlobStorage builtIn) {
        if (settings.blobStorage() != null) {
            return settings.blobStorage();
        }
        return settings.storageAccount() == null ? builtIn : new StorageAccountBlobStorage(settings.storageAccount(),
                TrustedCa.trustingSystemAnd(identity.certificates().caCertificateFile()), settings.clock());
    }

    /** The CAs a device's certificate chain must end at: the builder's, else the data directory's (read at each check). */
    public TrustedCertificateAuthorities trustedCertificateAuthorities() {
        return settings.trustedCertificateAuthorities() != null ? settings.trustedCertificateAuthorities()
                : identity.certificateAuthorities();
    }

    /** Every device-to-cloud message the hub accepts, as it arrives. */
    public TelemetryFeed telemetry() {
        return stores.telemetry;
    }

    /** Waits until configurations are evaluated for every change made so far, at most {@code limit}. */
    public void awaitConfigurationsEvaluated(Duration limit) throws InterruptedException {
        configurationTriggers.awaitIdle(limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** First at a stop: what jobs were doing stays stored as running, for the next start to resume. */
    public void stopScheduledJobs() {
        if (scheduledJobs != null) {
            scheduledJobs.close();
            scheduledJobs = null;
        }
    }

    /**
     * Registers {@code deviceId} with fresh keys unless it is registered already (for embedders such as test
     * extensions, which must not fail when two threads ask for the same device); whether this call registered it.
     */
    public boolean ensureDevice(String deviceId) {
        DeviceRegistry registry = identity.registry();
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

    /** Drops every connected device, which fails their pending method calls with 404103 at once. */
    public void disconnectDevices() {
        if (devices != null) {
            devices.closeAll();
        }
    }

    /**
     * Stops the running import or export job (it ends failed, as after a crash), then closes its store: before
     * Vert.x, since it may be waiting on blob storage served by its threads. Idempotent.
     */
    private void stopImportExport() {
        if (importExportJobs != null) {
            importExportJobs.close();
            importExportJobs = null;
        }
        stores.importExportJobs.close();
    }

    /**
     * Last, once the transports stopped: the running import or export job, Vert.x, then the stores (what is still
     * queued is stored before each closes), the identity last.
     */
    public void close() {
        try {
            stopImportExport();
            if (vertx != null) {
                Listening.awaitStop(vertx.close(), "The local hub did not stop cleanly", true);
            }
        } finally {
            closeStores();
        }
    }

    private void closeStores() {
        stores.telemetry.close();
        if (cloudToDevice != null) {
            cloudToDevice.close();
            cloudToDevice = null;
        }
        stores.closeCloudToDevice();
        if (fileUpload != null) {
            fileUpload.close();
            fileUpload = null;
        }
        stores.jobs.close();
        if (configurationTriggers != null) {
            // Lets the configurations thread finish what it took.
            configurationTriggers.close();
            configurationTriggers = null;
        }
        stores.configurations.close();
        stores.sessions.close();
        stopImportExport();
        closeIdentity(identity);
    }

    private static void closeIdentity(HubIdentity identity) {
        try {
            identity.close();
        } catch (Exception e) {
            LOG.warn("Closing the registry failed", e);
        }
    }
}
