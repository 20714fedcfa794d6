package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobContainer;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob storage in memory for the import/export core's tests: containers by name ({@code https://blobs.test/<name>}),
 * the rights of a container SAS taken from its {@code sp} (r read, w write; all without a SAS), refusals as {@link BlobAccessException}s
 * like a real storage's. {@link #holdReads()} keeps reads unanswered until {@link #releaseReads()}, to see a job running.
 */
public final class InMemoryBlobStorage implements BlobStorage {
    private final Map<String, Map<String, byte[]>> containers = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> readGate = CompletableFuture.completedFuture(null);

    public void createContainer(String name) {
        containers.putIfAbsent(name, new ConcurrentHashMap<>());
    }

    /** A container SAS URI with the given rights ({@code "rw"}, {@code "r"}). */
    public static String sasUri(String container, String rights) {
        return "https://blobs.test/" + container + "?sv=2020-10-02&sr=c&sp=" + rights + "&sig=c2lnbmF0dXJl";
    }

    public void put(String container, String blob, String content) {
        containers.get(container).put(blob, content.getBytes(StandardCharsets.UTF_8));
    }

    public Optional<String> text(String container, String blob) {
        return Optional.ofNullable(containers.get(container).get(blob)).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    public void holdReads() {
        readGate = new CompletableFuture<>();
    }

    public void releaseReads() {
        readGate.complete(null);
    }

    @Override
    public BlobContainer container(URI containerUri) {
        if (!"blobs.test".equals(containerUri.getHost())) {
            throw new IllegalArgumentException("the hub reaches no storage at " + containerUri.getHost());
        }
        String name = containerUri.getPath().substring(1);
        String query = containerUri.getQuery() == null ? "" : containerUri.getQuery();
        // Without a SAS, the hub's own identity: every right.
        String rights = query.contains("sig=") ? query.replaceAll(".*sp=([a-z]*).*", "$1") : "rw";
        return new BlobContainer() {
            @Override
            public CompletableFuture<Optional<byte[]>> read(String blobName) {
                return readGate.thenApply(ignored -> {
                    Map<String, byte[]> blobs = existing(name);
                    if (!rights.contains("r")) {
                        throw new BlobAccessException("This request is not authorized to perform this operation"
                                + " using this permission (the SAS has no read right).");
                    }
                    return Optional.ofNullable(blobs.get(blobName));
                });
            }

            @Override
            public CompletableFuture<Void> write(String blobName, byte[] content) {
                return CompletableFuture.runAsync(() -> {
                    Map<String, byte[]> blobs = existing(name);
                    if (!rights.contains("w")) {
                        throw new BlobAccessException("This request is not authorized to perform this operation"
                                + " using this permission (the SAS has no write right).");
                    }
                    blobs.put(blobName, content.clone());
                });
            }
        };
    }

    private Map<String, byte[]> existing(String name) {
        Map<String, byte[]> blobs = containers.get(name);
        if (blobs == null) {
            throw new BlobAccessException("The specified container does not exist: " + name);
        }
        return blobs;
    }

    @Override
    public String uploadHostName() {
        return "blobs.test";
    }

    @Override
    public String blobWriteSas(String container, String blobName, Instant expiry) {
        throw new UnsupportedOperationException("not used by import and export");
    }

    @Override
    public CompletableFuture<Void> createContainerIfMissing(String container) {
        createContainer(container);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<BlobProperties>> properties(String container, String blobName) {
        throw new UnsupportedOperationException("not used by import and export");
    }
}
