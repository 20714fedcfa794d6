package io.github.iothubquickstart.localhub.blobs;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The blob storage the hub works with, as IoT Hub works with the storage account linked to it: devices' file uploads
 * go there, and import/export jobs read and write the containers they are given. Either the hub's built-in blob
 * endpoint or a storage account named by connection string (Azurite, Azure Storage); the features do not know which.
 */
public interface BlobStorage {

    /**
     * What IoT Hub's file upload answer calls {@code hostName}: the blob endpoint without its scheme, the account's
     * path segment included where the endpoint is IP-style ({@code 127.0.0.1:10000/devstoreaccount1}), because the
     * device SDKs build {@code https://{hostName}/{containerName}/{blobName}{sasToken}}.
     */
    String uploadHostName();

    /**
     * A service SAS, as a query string starting with {@code ?}, that lets its holder create and write the one blob
     * {@code container/blobName} until {@code expiry}, and nothing else.
     */
    String blobWriteSas(String container, String blobName, Instant expiry);

    /** Creates the container unless it exists (IoT Hub's file upload container, made when the hub starts). */
    CompletableFuture<Void> createContainerIfMissing(String container);

    /** The blob's size and last-modified time, or empty when there is no such blob. */
    CompletableFuture<Optional<BlobProperties>> properties(String container, String blobName);

    /**
     * A container the hub was given as a URI: with a SAS in its query, or without one for identity-based access
     * (IoT Hub's managed identity; here, only this storage's own containers).
     *
     * @throws IllegalArgumentException when the URI names no container or a storage the hub cannot reach
     */
    BlobContainer container(URI containerUri);
}
