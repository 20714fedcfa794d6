package io.github.iothubquickstart.localhub.fileupload;

import io.github.iothubquickstart.localhub.cloudtodevice.ServiceBoundQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * IoT Hub's file notification queue: each notification is its own message, locked for one minute when delivered, tried
 * up to ten times, kept one hour (IoT Hub's {@code messagingEndpoints.fileNotifications} defaults). Runs on its own
 * thread, which alone uses the store.
 */
public final class FileUploadNotifications extends ServiceBoundQueue<FileUploadNotification> {
    public static final Duration TIME_TO_LIVE = Duration.ofHours(1);
    public static final Duration LOCK_DURATION = Duration.ofMinutes(1);
    public static final int MAX_DELIVERY_COUNT = 10;
    public static final int MAX_RECORDS = 10_000;

    private final FileUploadNotificationStore store;

    public FileUploadNotifications(FileUploadNotificationStore store, ScheduledExecutorService thread, Clock clock) {
        super(store, thread, clock, new Settings("file upload notifications", 1, MAX_RECORDS, MAX_DELIVERY_COUNT,
                TIME_TO_LIVE, LOCK_DURATION));
        this.store = store;
    }

    /** Stores the notification and sends it if a back-end listens; completes once it is on disk. */
    CompletableFuture<Void> enqueue(FileUploadNotification notification) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        boolean queued = run(() -> {
            try {
                store.add(notification);
                stored.complete(null);
            } catch (RuntimeException e) {
                stored.completeExceptionally(e);
                return;
            }
            added();
        });
        if (!queued) {
            stored.completeExceptionally(new IllegalStateException("The hub is stopping."));
        }
        return stored;
    }
}
