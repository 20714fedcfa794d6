package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobContainer;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What file upload and import/export count on from a {@link BlobStorage}, checked with the Azure Storage SDK on the
 * storage's side: the upload container made, SAS tokens the SDK writes with (for their blob only), properties of what
 * was written, and containers read and written by URI (with a SAS, or the account's own without one).
 */
final class StorageAccountContract {
    private final BlobStorage storage;
    private final String connectionString;
    private final HttpClient http;

    /** @param connectionString the storage account's, for the SDK that checks what the hub did */
    StorageAccountContract(BlobStorage storage, String connectionString, HttpClient http) {
        this.storage = storage;
        this.connectionString = connectionString;
        this.http = http;
    }

    void signsSasTokensTheSdkWritesWithForTheirBlobOnly() throws Exception {
        await(storage.createContainerIfMissing("fileuploads"));
        await(storage.createContainerIfMissing("fileuploads"));
        String sas = storage.blobWriteSas("fileuploads", "device-1/photo one.jpg", Instant.now().plus(1, ChronoUnit.HOURS));
        String scheme = connectionString.contains("BlobEndpoint=http://") ? "http://" : "https://";
        BlobClient device = new BlobClientBuilder().endpoint(scheme + storage.uploadHostName()
                + "/fileuploads/device-1/photo%20one.jpg" + sas).httpClient(http).buildClient();
        device.upload(BinaryData.fromString("a photo, roughly"));

        Optional<BlobProperties> properties = await(storage.properties("fileuploads", "device-1/photo one.jpg"));
        assertThat(properties).isPresent();
        assertThat(properties.get().sizeInBytes()).isEqualTo(16);
        assertThat(properties.get().lastModified()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
        assertThat(await(storage.properties("fileuploads", "device-1/never.jpg"))).isEmpty();

        BlobClient otherBlob = new BlobClientBuilder().endpoint(scheme + storage.uploadHostName()
                + "/fileuploads/device-2/x.jpg" + sas).httpClient(http).buildClient();
        assertThatThrownBy(() -> otherBlob.upload(BinaryData.fromString("not mine")))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
    }

    void readsAndWritesContainersByUri() throws Exception {
        BlobContainerClient checker = new BlobServiceClientBuilder().connectionString(connectionString).httpClient(http)
                .buildClient().createBlobContainer("exports");
        String containerUrl = checker.getBlobContainerUrl();

        BlobContainer own = storage.container(URI.create(containerUrl));
        await(own.write("devices.txt", "{\"id\":\"d1\"}\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(checker.getBlobClient("devices.txt").downloadContent().toString()).isEqualTo("{\"id\":\"d1\"}\n");
        assertThat(await(own.read("devices.txt")).map(bytes -> new String(bytes, StandardCharsets.UTF_8)))
                .contains("{\"id\":\"d1\"}\n");
        assertThat(await(own.read("missing.txt"))).isEmpty();

        String readOnly = checker.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true)));
        BlobContainer withSas = storage.container(URI.create(containerUrl + "?" + readOnly));
        assertThat(await(withSas.read("devices.txt"))).isPresent();
        assertThatThrownBy(() -> await(withSas.write("importErrors.log", new byte[] {1})))
                .isInstanceOf(BlobAccessException.class);
        assertThat(checker.getBlobClient("importErrors.log").exists()).isFalse();
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        try {
            return future.get(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw e;
        }
    }
}
