package io.github.iothubquickstart.localhub.blobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The hub's own blob storage: its built-in endpoint ({@code https://host:port/{account}/...}) over a {@link BlobStore}
 * on disk. The hub reaches its containers directly, checking a SAS in a container URI as the endpoint would.
 */
public final class BuiltInBlobStorage implements BlobStorage {
    /** The account name: the first path segment of the endpoint, clear of the hub's own paths. */
    public static final String ACCOUNT_NAME = "localhub";
    /** The largest blob, and the largest request body, the endpoint takes (Azure's own limits are larger). */
    public static final long MAX_BLOB_BYTES = 1024L * 1024 * 1024;

    private final StorageAccount account;
    private final BlobStore store;
    private final Supplier<String> hostAndPort;
    private final Executor blocking;
    private final Clock clock;

    /**
     * @param hostAndPort the endpoint's authority as clients reach it ({@code host:port}), known once it listens
     * @param blocking    where the store's file work runs
     */
    public BuiltInBlobStorage(StorageAccount account, BlobStore store, Supplier<String> hostAndPort, Executor blocking,
                              Clock clock) {
        this.account = account;
        this.store = store;
        this.hostAndPort = hostAndPort;
        this.blocking = blocking;
        this.clock = clock;
    }

    public StorageAccount account() {
        return account;
    }

    /** {@code https://host:port/localhub}: the BlobEndpoint of the storage connection string. */
    public String blobEndpoint() {
        return "https://" + uploadHostName();
    }

    /**
     * What the Azure Storage SDKs take ({@code new BlobServiceClientBuilder().connectionString(...)}) for the built-in
     * endpoint at {@code hostAndPort}.
     */
    public static String connectionString(StorageAccount account, String hostAndPort) {
        return "DefaultEndpointsProtocol=https;AccountName=" + account.name() + ";AccountKey=" + account.base64Key()
                + ";BlobEndpoint=https://" + hostAndPort + "/" + account.name() + ";";
    }

    @Override
    public String uploadHostName() {
        return hostAndPort.get() + "/" + account.name();
    }

    @Override
    public String blobWriteSas(String container, String blobName, Instant expiry) {
        return ServiceSas.signForBlob(account, container, blobName, "rcw", expiry);
    }

    @Override
    public CompletableFuture<Void> createContainerIfMissing(String container) {
        BlobRequest.requireContainerName(container);
        return CompletableFuture.runAsync(() -> store.createContainer(container, clock.instant()), blocking);
    }

    @Override
    public CompletableFuture<Optional<BlobProperties>> properties(String container, String blobName) {
        return CompletableFuture.supplyAsync(() -> store.find(container, blobName)
                .map(blob -> new BlobProperties(blob.size(), blob.lastModified())), blocking);
    }

    @Override
    public BlobContainer container(URI containerUri) {
        String path = containerUri.getRawPath() == null ? "" : containerUri.getRawPath();
        String prefix = "/" + account.name() + "/";
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            throw new IllegalArgumentException("The container URI " + withoutQuery(containerUri) + " is not a"
                    + " container of this hub's blob storage (" + blobEndpoint() + "/{container}).");
        }
        String container = path.substring(prefix.length()).replaceAll("/+$", "");
        try {
            BlobRequest.requireContainerName(container);
        } catch (BlobError e) {
            throw new IllegalArgumentException("The container URI " + withoutQuery(containerUri) + " does not name a"
                    + " container: " + e.getMessage(), e);
        }
        Map<String, String> sas = BlobRequest.parseQuery(containerUri.getRawQuery());
        return new DiskContainer(container, sas);
    }

    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    /** A container reached on disk, with the rights its SAS grants (checked at each call, so expiry counts). */
    private final class DiskContainer implements BlobContainer {
        private final String container;
        private final Map<String, String> sas;

        DiskContainer(String container, Map<String, String> sas) {
            this.container = container;
            this.sas = sas;
        }

        @Override
        public CompletableFuture<Optional<byte[]>> read(String blobName) {
            return CompletableFuture.supplyAsync(() -> {
                allow(blobName, "r");
                return store.find(container, blobName).map(blob -> readAll(blob.content()));
            }, blocking);
        }

        @Override
        public CompletableFuture<Void> write(String blobName, byte[] content) {
            return CompletableFuture.runAsync(() -> {
                allow(blobName, "cw");
                if (content.length > MAX_BLOB_BYTES) {
                    throw new BlobAccessException("The blob " + blobName + " is larger than the hub's limit of "
                            + MAX_BLOB_BYTES + " bytes.");
                }
                Path upload = store.newUploadFile();
                try {
                    Files.write(upload, content);
                    store.commit(container, blobName, upload, new ContentHeaders(ContentHeaders.DEFAULT_CONTENT_TYPE,
                            null, null, null, null, null), clock.instant());
                } catch (IOException e) {
                    throw new BlobAccessException("Cannot write blob " + container + "/" + blobName + ": "
                            + e.getMessage(), e);
                } catch (BlobError e) {
                    throw denied(blobName, e);
                } finally {
                    try {
                        Files.deleteIfExists(upload);
                    } catch (IOException ignored) {
                        // an upload file left behind is removed at the next start
                    }
                }
            }, blocking);
        }

        private void allow(String blobName, String permissions) {
            try {
                if (store.containerCreated(container).isEmpty()) {
                    throw BlobError.containerNotFound();
                }
                if (ServiceSas.present(sas)) {
                    ServiceSas.verify(account, sas, container, blobName, ServiceSas.Scope.BLOB, permissions, true,
                            clock.instant());
                }
            } catch (BlobError e) {
                throw denied(blobName, e);
            }
        }

        private BlobAccessException denied(String blobName, BlobError e) {
            return new BlobAccessException("Blob storage refused access to " + container + "/" + blobName + ": "
                    + e.code() + " (" + e.getMessage() + ")", e);
        }

        private byte[] readAll(Path file) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new CompletionException(new BlobAccessException("Cannot read " + file.getFileName() + ": "
                        + e.getMessage(), new UncheckedIOException(e)));
            }
        }
    }
}
