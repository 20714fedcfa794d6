package io.github.iothubquickstart.localhub.fileupload;

import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * IoT Hub's file upload for devices: a device asks where to upload ({@link #begin}) and gets a SAS that lets it write
 * that one blob, {@code {deviceId}/{name}} in the upload container, for an hour (IoT Hub's {@code sasTtlAsIso8601}
 * default); it then reports the upload done ({@link #complete}) with the correlation id it was given. A success is
 * checked against storage (no blob: IoT Hub's 400) and queued for back-ends as a {@link FileUploadNotification}; a
 * failure only frees the slot. A device has at most {@value #MAX_ACTIVE_UPLOADS} uploads not yet reported done (IoT
 * Hub's 403006 past that); a correlation id is its device's only, and lapses with its SAS.
 */
public final class FileUploads {
    /** The local hub's upload container unless configured otherwise (IoT Hub's is the one its settings name). */
    public static final String DEFAULT_CONTAINER = "fileupload";
    public static final Duration SAS_TIME_TO_LIVE = Duration.ofHours(1);
    public static final int MAX_ACTIVE_UPLOADS = 10;

    private final BlobStorage storage;
    private final String container;
    private final FileUploadNotifications notifications;
    private final Clock clock;
    /** The uploads handed out and not yet reported done, by correlation id; guarded by {@code this}. */
    private final Map<String, ActiveUpload> active = new HashMap<>();

    private record ActiveUpload(String deviceId, String blobName, Instant expiry) {
    }

    public FileUploads(BlobStorage storage, String container, FileUploadNotifications notifications, Clock clock) {
        this.storage = storage;
        this.container = container;
        this.notifications = notifications;
        this.clock = clock;
    }

    public String container() {
        return container;
    }

    /** Creates the upload container unless storage has it (IoT Hub's is made with its storage settings). */
    public CompletableFuture<Void> start() {
        return storage.createContainerIfMissing(container);
    }

    /** Where {@code deviceId} may upload {@code requestedName}: a new upload, counted until it is reported done. */
    public UploadTarget begin(String deviceId, String requestedName) {
        String blobName = BlobNames.forDevice(deviceId, requestedName);
        Instant now = clock.instant();
        Instant expiry = now.plus(SAS_TIME_TO_LIVE);
        String correlationId = UUID.randomUUID().toString();
        synchronized (this) {
            active.values().removeIf(upload -> !upload.expiry().isAfter(now));
            long uploading = active.values().stream().filter(upload -> upload.deviceId().equals(deviceId)).count();
            if (uploading >= MAX_ACTIVE_UPLOADS) {
                throw IotHubErrors.deviceMaximumActiveFileUploads("Device " + deviceId + " has " + uploading
                        + " file uploads not yet reported done; at most " + MAX_ACTIVE_UPLOADS
                        + " at once. Complete one (POST /devices/" + deviceId + "/files/notifications) or wait until"
                        + " its SAS URI expires.");
            }
            active.put(correlationId, new ActiveUpload(deviceId, blobName, expiry));
        }
        return new UploadTarget(correlationId, storage.uploadHostName(), container, blobName,
                storage.blobWriteSas(container, blobName, expiry));
    }

    /**
     * The device reports the upload {@code correlationId} done; completes once a success's notification is stored.
     * Fails with IoT Hub's 400 for a correlation id that is not the device's current one, or a success whose blob
     * storage does not have.
     */
    public CompletableFuture<Void> complete(String deviceId, String correlationId, boolean isSuccess) {
        ActiveUpload upload;
        synchronized (this) {
            upload = active.get(correlationId);
            if (upload == null || !upload.deviceId().equals(deviceId) || !upload.expiry().isAfter(clock.instant())) {
                throw IotHubErrors.argumentInvalid("The correlationId " + correlationId + " names no file upload of"
                        + " device " + deviceId + " in progress: unknown, already reported done, another device's, or"
                        + " its SAS URI expired.");
            }
            if (!isSuccess) {
                active.remove(correlationId);
                return CompletableFuture.completedFuture(null);
            }
        }
        return storage.properties(container, upload.blobName())
                .exceptionally(failure -> {
                    throw new CompletionException(IotHubErrors.serverError("The hub could not read blob "
                            + upload.blobName() + " from storage: " + reason(failure)));
                })
                .thenCompose(properties -> notifications.enqueue(notification(upload, properties.orElseThrow(() ->
                        IotHubErrors.argumentInvalid("The upload " + correlationId + " is reported a success, but"
                                + " storage has no blob " + container + "/" + upload.blobName() + ".")))))
                .thenRun(() -> {
                    synchronized (this) {
                        active.remove(correlationId);
                    }
                });
    }

    private FileUploadNotification notification(ActiveUpload upload, BlobProperties properties) {
        String blobUri = "https://" + storage.uploadHostName() + "/" + container + "/" + upload.blobName();
        return new FileUploadNotification(upload.deviceId(), blobUri, upload.blobName(), properties.lastModified(),
                properties.sizeInBytes(), clock.instant());
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof BlobAccessException || cause instanceof IotHubError
                ? cause.getMessage() : String.valueOf(cause);
    }
}
