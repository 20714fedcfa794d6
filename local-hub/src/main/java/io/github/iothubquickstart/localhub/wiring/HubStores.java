package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.storage.SegmentTelemetryLog;
import io.github.iothubquickstart.localhub.storage.SqliteCloudToDeviceStore;
import io.github.iothubquickstart.localhub.storage.SqliteConfigurationStore;
import io.github.iothubquickstart.localhub.storage.SqliteImportExportJobStore;
import io.github.iothubquickstart.localhub.storage.SqliteJobStore;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files the hub keeps its state in besides the data directory's identity, opened before anything serves (one that
 * cannot be opened stops the start with nothing listening) and closed last, after every transport stopped, so that
 * what was accepted is stored.
 */
final class HubStores {
    private static final Logger LOG = LoggerFactory.getLogger(HubStores.class);
    static final String TELEMETRY_LOG = "telemetry";
    /** Where versions before the telemetry log kept telemetry (SQLite); no longer read. */
    private static final String EARLIER_TELEMETRY_JOURNAL = "telemetry.db";
    static final String SESSION_STORE = "sessions.db";
    static final String CLOUD_TO_DEVICE_STORE = "cloud-to-device.db";
    static final String IMPORT_EXPORT_JOBS = "import-export-jobs.db";
    static final String JOB_STORE = "jobs.db";
    static final String CONFIGURATION_STORE = "configurations.db";
    private static final long STOP_TIMEOUT_SECONDS = 30;

    /** MQTT's persistent sessions, kept for the MQTT transport. */
    final SqliteSessionStore sessions;
    final SqliteCloudToDeviceStore cloudToDevice;
    /** The only user of {@link #cloudToDevice}: the queues need no locks and every change is one transaction. */
    final ScheduledExecutorService cloudToDeviceThread;
    final SqliteImportExportJobStore importExportJobs;
    final SqliteConfigurationStore configurations;
    final SqliteJobStore jobs;
    final TelemetryFeed telemetry;

    private HubStores(SqliteSessionStore sessions, SqliteCloudToDeviceStore cloudToDevice,
                      SqliteImportExportJobStore importExportJobs, SqliteConfigurationStore configurations,
                      SqliteJobStore jobs, TelemetryFeed telemetry) {
        this.sessions = sessions;
        this.cloudToDevice = cloudToDevice;
        this.importExportJobs = importExportJobs;
        this.configurations = configurations;
        this.jobs = jobs;
        this.telemetry = telemetry;
        this.cloudToDeviceThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cloud-to-device");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens every store in the data directory; when one fails, those already open are closed again. */
    static HubStores open(HubSettings settings) {
        Path directory = settings.dataDirectory();
        SqliteSessionStore sessions = null;
        SqliteCloudToDeviceStore cloudToDevice = null;
        SqliteImportExportJobStore importExport = null;
        SqliteConfigurationStore configurations = null;
        SqliteJobStore jobs = null;
        try {
            sessions = SqliteSessionStore.open(directory.resolve(SESSION_STORE));
            warnOfEarlierTelemetryJournal(directory);
            cloudToDevice = SqliteCloudToDeviceStore.open(directory.resolve(CLOUD_TO_DEVICE_STORE));
            importExport = SqliteImportExportJobStore.open(directory.resolve(IMPORT_EXPORT_JOBS));
            configurations = SqliteConfigurationStore.open(directory.resolve(CONFIGURATION_STORE));
            jobs = SqliteJobStore.open(directory.resolve(JOB_STORE));
            TelemetryFeed telemetry = settings.telemetryRetention().storesNothing()
                    ? TelemetryFeed.unstored(settings.clock())
                    : TelemetryFeed.stored(settings.clock(), SegmentTelemetryLog.open(
                            directory.resolve(TELEMETRY_LOG), settings.telemetryDurability()),
                            settings.telemetryRetention(), settings.telemetryDurability());
            return new HubStores(sessions, cloudToDevice, importExport, configurations, jobs, telemetry);
        } catch (RuntimeException e) {
            for (AutoCloseable opened : new AutoCloseable[] {sessions, cloudToDevice, importExport, configurations,
                    jobs}) {
                closeQuietly(opened);
            }
            throw e;
        }
    }

    private static void warnOfEarlierTelemetryJournal(Path directory) {
        Path earlier = directory.resolve(EARLIER_TELEMETRY_JOURNAL);
        if (Files.exists(earlier)) {
            LOG.warn("{} holds telemetry stored by an earlier version of the hub, which this version does not replay"
                    + " (it keeps telemetry in {}); delete the file once you no longer need it", earlier,
                    directory.resolve(TELEMETRY_LOG));
        }
    }

    /** Lets the cloud-to-device thread finish what it took (every send it accepted is stored), then closes the store. */
    void closeCloudToDevice() {
        cloudToDeviceThread.shutdown();
        try {
            if (!cloudToDeviceThread.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The cloud-to-device queues did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cloudToDevice.close();
    }

    private static void closeQuietly(AutoCloseable store) {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (Exception e) {
            LOG.debug("Closing a store after a failed start failed", e);
        }
    }
}
