package io.github.iothubquickstart.localhub.blobs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the built-in endpoint keeps containers and block blobs. Blocking calls (files): callers run them off the
 * event loop. Every write is atomic: readers see a blob's old content or its new one.
 */
public interface BlobStore {

    /** @return false when the container exists already */
    boolean createContainer(String container, Instant now);

    /** @return false when there was no such container */
    boolean deleteContainer(String container);

    /** When the container was created, or empty when it does not exist. */
    Optional<Instant> containerCreated(String container);

    /** A new empty file, beside the blobs, for a request body to be streamed into before it is committed. */
    Path newUploadFile();

    /**
     * Makes {@code upload} (a file from {@link #newUploadFile()}) the blob's content, replacing any earlier version.
     *
     * @throws BlobError ContainerNotFound
     */
    StoredBlob commit(String container, String blobName, Path upload, ContentHeaders headers, Instant now);

    /** Keeps {@code upload} as the uncommitted block {@code blockId} of the blob (replacing one of the same id). */
    void stageBlock(String container, String blobName, String blockId, Path upload);

    /**
     * Makes the blob the concatenation of the staged blocks named, in order, and drops its other uncommitted blocks.
     *
     * @throws BlobError InvalidBlockList when a block is not staged; ContainerNotFound
     */
    StoredBlob commitBlocks(String container, String blobName, List<String> blockIds, ContentHeaders headers,
                            long maxBlobBytes, Instant now);

    Optional<StoredBlob> find(String container, String blobName);

    /** @return false when there was no such blob */
    boolean delete(String container, String blobName);

    /** Blobs in name order after {@code marker}, at most {@code maxResults} entries. */
    BlobListing list(String container, String prefix, String delimiter, String marker, int maxResults);
}
