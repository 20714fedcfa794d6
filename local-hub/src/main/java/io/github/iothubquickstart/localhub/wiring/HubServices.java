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
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.rest.ConfigurationLines;
import io.github.iothubquickstart.localhub.rest.ConfigurationRoutes;
import io.github.iothubquickstart.localhub.rest.ExportImportDeviceJson;
import io.github.iothubquickstart.localhub.rest.QueryRoute;
import io.github.iothubquickstart.localhub.storage.DiskBlobStore;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import io.github.iothubquickstart.localhub.storage.StorageAccountBlobStorage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.github.iothubquickstart.localhub.twin.DesiredPropertiesPusher;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The hub's core services, built once by {@link HubCore} over its stores, that every transport installs itself on:
 * the features, who is connected, the authenticators, and the settings, identity and Vert.x they run on.
 *
 * @param sessionStore MQTT's persistent sessions (what each device subscribed to)
 * @param blobAccount the built-in blob endpoint's account
 * @param blobFiles   the built-in blob endpoint's files, under the data directory
 * @param blobStorage the blob storage the features use: the built-in endpoint, a storage account or the embedder's
 */
public record HubServices(HubSettings settings, HubIdentity identity, Vertx vertx, TelemetryFeed telemetry,
                          SqliteSessionStore sessionStore, ConnectedDevices devices, FaultInjector faults,
                          DirectMethodService methods, FeedbackQueue feedback, CloudToDeviceQueues cloudToDevice,
                          ConfigurationApplier configurationApplier, ConfigurationService configurations,
                          RegistryService registry, ModuleService modules, TwinService twins,
                          ModelAnnouncements modelAnnouncements, ProvisioningService provisioning,
                          DeviceRegistrations deviceRegistrations, SharedAccessPolicy provisioningServicePolicy,
                          DeviceAuthenticator deviceAuthenticator, ServiceAuthenticator serviceAuthenticator,
                          DashboardToken dashboardToken, StorageAccount blobAccount, DiskBlobStore blobFiles,
                          BlobStorage blobStorage, FileUploads fileUploads,
                          FileUploadNotifications fileUploadNotifications, BulkRegistryOperations bulkOperations,
                          DeviceQueries queries, ScheduledJobs scheduledJobs, ImportExportJobs importExportJobs) {

    public Clock clock() {
        return settings.clock();
    }

    public Path serverCertificate() {
        return identity.certificates().serverCertificateFile();
    }

    public Path serverKey() {
        return identity.certificates().serverKeyFile();
    }
}
