package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in blob storage across a restart of the hub on the same data directory: the account key and the blobs
 * stay; an upload a crash left half-received in {@code blobs/.uploads} is dropped and never shows as a blob.
 */
class BlobRestartTest {
    // HTTPS on 8443 (kept by the restart), so the connection string (BlobEndpoint host:port) is the same after it.
    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.httpsPort(8443).amqpPort(0).eventHubsPort(0)).build();

    @Test
    void keepsTheKeyAndTheBlobsAndDropsHalfReceivedUploads() throws Exception {
        String connectionString = hub.hub.storageConnectionString();
        client(hub, connectionString).createBlobContainer("kept").getBlobClient("a/kept.txt")
                .upload(BinaryData.fromString("still here"));
        hub.close();
        Path leftover = hub.dataDirectory().resolve("blobs/.uploads/crashed.upload");
        Files.write(leftover, new byte[1024]);

        hub.start();
        assertThat(hub.hub.storageConnectionString()).isEqualTo(connectionString);
        BlobServiceClient service = client(hub, connectionString);
        assertThat(service.getBlobContainerClient("kept").getBlobClient("a/kept.txt").downloadContent().toString())
                .isEqualTo("still here");
        assertThat(service.getBlobContainerClient("kept").listBlobs().stream().map(item -> item.getName()))
                .containsExactly("a/kept.txt");
        assertThat(leftover).doesNotExist();
    }

    private static BlobServiceClient client(TestHub hub, String connectionString) {
        return new BlobServiceClientBuilder().connectionString(connectionString)
                .httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile())).buildClient();
    }
}
