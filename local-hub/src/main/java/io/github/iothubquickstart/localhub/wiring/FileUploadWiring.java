package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotifications;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.storage.SqliteFileUploadNotifications;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File upload's parts, built and closed together: the notifications' store ({@value #STORE}) and the thread that
 * alone uses it, their queue, and {@link FileUploads}, whose container is made when the hub starts.
 */
final class FileUploadWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileUploadWiring.class);
    static final String STORE = "file-upload-notifications.db";
    private static final long CONTAINER_TIMEOUT_SECONDS = 30;

    private final SqliteFileUploadNotifications store;
    private final ScheduledExecutorService thread;
    private final FileUploadNotifications notifications;
    private final FileUploads uploads;

    private FileUploadWiring(SqliteFileUploadNotifications store, ScheduledExecutorService thread,
                             FileUploadNotifications notifications, FileUploads uploads) {
        this.store = store;
        this.thread = thread;
        this.notifications = notifications;
        this.uploads = uploads;
    }

    static FileUploadWiring open(Path dataDirectory, BlobStorage storage, String container, Clock clock) {
        SqliteFileUploadNotifications store = SqliteFileUploadNotifications.open(dataDirectory.resolve(STORE));
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread named = new Thread(runnable, "file-upload-notifications");
            named.setDaemon(true);
            return named;
        });
        FileUploadNotifications notifications = new FileUploadNotifications(store, thread, clock);
        FileUploads uploads = new FileUploads(storage, container, notifications, clock);
        try {
            uploads.start().get(CONTAINER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The hub serves the rest; a device's upload fails at storage until the container can be made.
            LOG.warn("The file upload container {} could not be created: {}", container,
                    e.getCause() != null ? e.getCause().getMessage() : e.toString());
        }
        return new FileUploadWiring(store, thread, notifications, uploads);
    }

    FileUploadNotifications notifications() {
        return notifications;
    }

    FileUploads uploads() {
        return uploads;
    }

    /** Lets the thread finish what it took (every notification acknowledged is stored), then closes the store. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CONTAINER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The file upload notifications did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
