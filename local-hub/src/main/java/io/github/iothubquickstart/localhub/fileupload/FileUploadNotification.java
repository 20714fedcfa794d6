package io.github.iothubquickstart.localhub.fileupload;

import java.time.Instant;

/**
 * What IoT Hub tells back-ends of a file a device uploaded and reported done: the blob (its name is
 * {@code {deviceId}/{name}}), its size and last write as storage reports them, and when the hub queued the notice.
 */
public record FileUploadNotification(String deviceId, String blobUri, String blobName, Instant lastUpdatedTime,
                                     long blobSizeInBytes, Instant enqueuedTime) {
}
