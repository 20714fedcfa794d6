package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobContainer;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob storage in memory, for tests of what uses {@link BlobStorage}: a test puts blobs itself (as a device's upload
 * would); the SAS it hands out names the blob and expiry in plain words so a test can check them.
 */
public final class InMemoryBlobStorage implements BlobStorage {
    public static final String HOST_NAME = "127.0.0.1:10000/devstoreaccount1";

    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final Map<String, BlobProperties> blobs = new ConcurrentHashMap<>();

    /** A blob of {@code size} bytes, written now, as an upload leaves it. */
    public void put(String container, String blobName, long size, Instant lastModified) {
        if (!containers.contains(container)) {
            throw new IllegalStateException("No container " + container);
        }
        blobs.put(container + "/" + blobName, new BlobProperties(size, lastModified));
    }

    public boolean hasContainer(String container) {
        return containers.contains(container);
    }

    @Override
    public String uploadHostName() {
        return HOST_NAME;
    }

    @Override
    public String blobWriteSas(String container, String blobName, Instant expiry) {
        return "?sr=b&sp=cw&se=" + expiry.getEpochSecond() + "&blob=" + container + "/" + blobName;
    }

    @Override
    public CompletableFuture<Void> createContainerIfMissing(String container) {
        containers.add(container);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<BlobProperties>> properties(String container, String blobName) {
        return CompletableFuture.completedFuture(Optional.ofNullable(blobs.get(container + "/" + blobName)));
    }

    @Override
    public BlobContainer container(URI containerUri) {
        throw new BlobAccessException("Not used by file upload");
    }
}
