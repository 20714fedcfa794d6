package io.github.iothubquickstart.localhub.blobs;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One container the hub reads and writes for an import or export job ({@code devices.txt}, {@code importErrors.log}).
 * Failures (no such container, a SAS without the right, storage unreachable) complete exceptionally with a
 * {@link BlobAccessException} whose message says which.
 */
public interface BlobContainer {

    /** The blob's content, or empty when the container has no blob of that name. */
    CompletableFuture<Optional<byte[]>> read(String blobName);

    /** Creates or replaces the block blob with {@code content}. */
    CompletableFuture<Void> write(String blobName, byte[] content);
}
