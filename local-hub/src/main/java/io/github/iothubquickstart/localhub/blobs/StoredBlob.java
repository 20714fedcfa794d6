package io.github.iothubquickstart.localhub.blobs;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A committed block blob as the store keeps it: its name, size, content properties, ETag, times, and the file that
 * holds its content (never rewritten: a new version of the blob is a new file).
 */
public record StoredBlob(String name, long size, ContentHeaders headers, String etag, Instant created,
                         Instant lastModified, Path content) {
}
