package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in blob storage across a restart of the hub on the same data directory: the account key and the blobs
 * stay; an upload a crash left half-received in {@code blobs/.uploads} is dropped and never shows as a blob.
 */
class BlobRestartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);
    @TempDir
    Path dataDirectory;

    @Test
    void keepsTheKeyAndTheBlobsAndDropsHalfReceivedUploads() throws Exception {
        String connectionString;
        try (TestHub hub = new TestHub(hubOn(ADDRESS))) {
            connectionString = hub.hub.storageConnectionString();
            client(hub, connectionString).createBlobContainer("kept").getBlobClient("a/kept.txt")
                    .upload(BinaryData.fromString("still here"));
        }
        Path leftover = dataDirectory.resolve("blobs/.uploads/crashed.upload");
        Files.write(leftover, new byte[1024]);

        try (TestHub restarted = new TestHub(hubOn(ADDRESS))) {
            assertThat(restarted.hub.storageConnectionString()).isEqualTo(connectionString);
            BlobServiceClient service = client(restarted, connectionString);
            assertThat(service.getBlobContainerClient("kept").getBlobClient("a/kept.txt").downloadContent().toString())
                    .isEqualTo("still here");
            assertThat(service.getBlobContainerClient("kept").listBlobs().stream().map(item -> item.getName()))
                    .containsExactly("a/kept.txt");
            assertThat(leftover).doesNotExist();
        }
    }

    private LocalHub.Builder hubOn(String address) {
        // The same port after the restart, so the connection string (BlobEndpoint host:port) is the same too.
        return LocalHub.builder().bindAddress(address).dataDirectory(dataDirectory).httpsPort(8443).webSocketPort(0)
                .amqpPort(0).eventHubsPort(0);
    }

    private static BlobServiceClient client(TestHub hub, String connectionString) {
        return new BlobServiceClientBuilder().connectionString(connectionString)
                .httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile())).buildClient();
    }
}
