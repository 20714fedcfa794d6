package io.github.iothubquickstart.localhub.blobs;

import java.time.Instant;

/** What IoT Hub's file upload notification says of the blob: its size and when it was last written. */
public record BlobProperties(long sizeInBytes, Instant lastModified) {
}
