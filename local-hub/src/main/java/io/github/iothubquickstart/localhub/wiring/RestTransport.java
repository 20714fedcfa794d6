package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.blobs.BlobAccess;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwinCommands;
import io.github.iothubquickstart.localhub.digitaltwins.DigitalTwins;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.rest.BlobRoutes;
import io.github.iothubquickstart.localhub.rest.BulkRegistryRoute;
import io.github.iothubquickstart.localhub.rest.CaCertificateRoutes;
import io.github.iothubquickstart.localhub.rest.CloudToDeviceRoutes;
import io.github.iothubquickstart.localhub.rest.ConfigurationRoutes;
import io.github.iothubquickstart.localhub.rest.DeviceHttpsApi;
import io.github.iothubquickstart.localhub.rest.DigitalTwinRoutes;
import io.github.iothubquickstart.localhub.rest.EnrollmentGroupRoutes;
import io.github.iothubquickstart.localhub.rest.EnrollmentRoutes;
import io.github.iothubquickstart.localhub.rest.FaultRoutes;
import io.github.iothubquickstart.localhub.rest.FileUploadRoutes;
import io.github.iothubquickstart.localhub.rest.HttpErrorResponder;
import io.github.iothubquickstart.localhub.rest.ImportExportJobRoutes;
import io.github.iothubquickstart.localhub.rest.JobJson;
import io.github.iothubquickstart.localhub.rest.MethodsRoute;
import io.github.iothubquickstart.localhub.rest.ModuleRoutes;
import io.github.iothubquickstart.localhub.rest.MonitorRoute;
import io.github.iothubquickstart.localhub.rest.ProvisioningDeviceApi;
import io.github.iothubquickstart.localhub.rest.ProvisioningServiceApi;
import io.github.iothubquickstart.localhub.rest.QueryRoute;
import io.github.iothubquickstart.localhub.rest.RegistrationStateRoutes;
import io.github.iothubquickstart.localhub.rest.RegistryRoutes;
import io.github.iothubquickstart.localhub.rest.RestServer;
import io.github.iothubquickstart.localhub.rest.ScheduledJobRoutes;
import io.github.iothubquickstart.localhub.rest.ServiceApi;
import io.github.iothubquickstart.localhub.rest.StatisticsRoutes;
import io.github.iothubquickstart.localhub.rest.TwinRoutes;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTPS listener (8443 unless set otherwise): IoT Hub's service REST API, devices on HTTPS, DPS's device and
 * service APIs, the built-in blob endpoint, and the surfaces other transports mount on it (the dashboard first, the
 * devices' WebSocket endpoint last).
 */
public final class RestTransport implements Transport {
    /** How long answers already being written may take to reach their callers when the hub stops. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

    private final HubSettings settings;
    private final RestServer server;

    public RestTransport(HubServices hub, DashboardTransport dashboard, WebSocketTransport webSockets) {
        this.settings = hub.settings();
        Clock clock = hub.clock();
        ServiceAuthenticator authenticator = hub.serviceAuthenticator();
        int maxConnectedDevices = settings.limits().maxConnectedDevices();
        ServiceApi serviceApi = new ServiceApi(
                new MethodsRoute(authenticator, hub.methods()),
                new MonitorRoute(hub.vertx(), authenticator, hub.telemetry()),
                new RegistryRoutes(authenticator, hub.registry()),
                new ModuleRoutes(authenticator, hub.modules()),
                new BulkRegistryRoute(authenticator, hub.bulkOperations()),
                new StatisticsRoutes(authenticator, hub.registry(), hub.devices()),
                new TwinRoutes(authenticator, hub.twins(), hub.registry(), hub.modules(), hub.configurationApplier()),
                new QueryRoute(authenticator, hub.queries().withDeviceJobs(() -> hub.scheduledJobs().deviceJobs()
                        .stream().map(JobJson::deviceJob).toList())),
                new CloudToDeviceRoutes(authenticator, hub.cloudToDevice()),
                new CaCertificateRoutes(authenticator, hub.identity().caCertificates()),
                new FaultRoutes(authenticator, hub.faults()));
        BlobRoutes blobs = new BlobRoutes(new BlobAccess(hub.blobAccount(), clock), hub.blobFiles(), clock,
                BuiltInBlobStorage.MAX_BLOB_BYTES);
        ProvisioningDeviceApi provisioningDevices = new ProvisioningDeviceApi(hub.deviceRegistrations(), clock,
                maxConnectedDevices);
        DeviceHttpsApi deviceHttps = new DeviceHttpsApi(hub.deviceAuthenticator(), hub.devices(), hub.telemetry(),
                hub.cloudToDevice(), maxConnectedDevices, clock);
        FileUploadRoutes fileUploads = new FileUploadRoutes(hub.deviceAuthenticator(), hub.devices(),
                hub.fileUploads(), clock);
        // The dashboard first: its same-origin guard runs before the API's routes; devices' routes before the
        // service API's, whose /devices* handlers would otherwise take their requests first.
        List<Consumer<Router>> surfaces = List.of(dashboard::mountOn, blobs::mountOn, provisioningDevices::mountOn,
                deviceHttps::mountOn, fileUploads::mountOn, serviceApi::mountOn,
                new ImportExportJobRoutes(authenticator, hub.importExportJobs())::mountOn,
                new DigitalTwinRoutes(authenticator, new DigitalTwins(hub.twins()),
                        new DigitalTwinCommands(hub.methods()))::mountOn,
                new ScheduledJobRoutes(authenticator, hub.scheduledJobs(), clock)::mountOn,
                new ConfigurationRoutes(authenticator, hub.configurations())::mountOn,
                provisioningServiceApi(hub)::mountOn,
                webSockets::mountOn);
        this.server = new RestServer(hub.vertx(), settings.eventLoops(), settings.bindAddress(), settings.httpsPort(),
                hub.serverCertificate(), hub.serverKey(), surfaces, new HttpErrorResponder(clock));
    }

    /**
     * DPS's service API (enrollments, registration states) beside IoT Hub's, for holders of the provisioning service's
     * own policy; {@code ProvisioningServiceClient} reaches it on 443 only (its connection string takes no port).
     */
    private static ProvisioningServiceApi provisioningServiceApi(HubServices hub) {
        SharedAccessPolicy policy = hub.provisioningServicePolicy();
        ProvisioningServiceAuthenticator authenticator = new ProvisioningServiceAuthenticator(
                name -> Optional.of(policy).filter(known -> known.name().equals(name)), new SasVerifier(hub.clock()),
                hub.settings().acceptedHostNames());
        return new ProvisioningServiceApi(authenticator, new EnrollmentRoutes(hub.provisioning()),
                new EnrollmentGroupRoutes(hub.provisioning()), new RegistrationStateRoutes(hub.provisioning()),
                hub.clock());
    }

    /** The HTTPS port asks for client certificates only when it is the devices' port (443) too. */
    @Override
    public int listen() {
        return Listening.await(server.listen(settings.httpsServesDevices()), "HTTPS", settings, settings.httpsPort());
    }

    /** The same endpoint on one more port, for devices (it asks TLS clients for a certificate); completes with it. */
    Future<Integer> listenAlsoOn(int port) {
        return server.listen(port);
    }

    /** Lets answers already being written reach their callers (at most a second), then closes every connection. */
    @Override
    public Future<Void> stop() {
        return server.shutdown(SHUTDOWN_GRACE);
    }
}
