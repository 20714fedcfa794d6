package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unmodified Node service SDK's import/export calls ({@code importDevicesFromBlob}, {@code exportDevicesToBlob},
 * {@code importDevicesFromBlobByIdentity}, {@code getJob}, {@code listJobs}, {@code cancelJob}) against the hub on
 * port 443 (the only one azure-iothub uses), with a container of the built-in blob endpoint.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ImportExportNodeSdkEndToEndTest {
    static NodeSdk node;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().httpsOn443().build();

    @BeforeAll
    static void setUp() {
        node = NodeSdk.installed();
    }

    @Test
    void nodeImportsExportsListsAndCancelsJobs() throws Exception {
        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(hub.hub.storageConnectionString())
                .httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile())).buildClient()
                .createBlobContainer("node-jobs");
        container.getBlobClient("devices.txt").upload(BinaryData.fromString(
                "{\"id\":\"node-imported\",\"importMode\":\"create\",\"tags\":{\"from\":\"node\"}}\n"), true);
        String sas = container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setWritePermission(true)
                        .setCreatePermission(true)));

        NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "registry-import-export.js",
                hub.hub.serviceConnectionString("registryReadWrite"), Duration.ofSeconds(90),
                container.getBlobContainerUrl() + "?" + sas, container.getBlobContainerUrl());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.output()).contains("job import: import completed \n", "job export: export completed \n",
                "job import-by-identity: import completed \n", "listed: 3\n", "cancelled: completed\n");
        assertThat(hub.registryClient("registryRead").getDevice("node-imported")).isNotNull();
        String exported = container.getBlobClient("devices.txt").downloadContent().toString();
        assertThat(exported).contains("\"node-imported\"").contains("\"primaryKey\":null");
    }
}
