package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in blob endpoint from the Azure Storage Blob SDK for JavaScript ({@code @azure/storage-blob}, the version
 * {@code azure-iot-device} uploads files with): {@code src/test/node-storage/blob-roundtrip.js}. Skipped or failed
 * without Node as {@link AzuriteProcess} says ({@value AzuriteProcess#REQUIRED}).
 */
class NodeBlobEndpointTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void theJavaScriptSdkUploadsListsReadsAndDeletesWithTheConnectionStringAndWithABlobSas() throws Exception {
        NodeSdk storageSdk = AzuriteProcess.installedNodeStorage();
        StorageAccountContract.await(hub.hub.blobStorage().createContainerIfMissing("fileuploads"));
        String sas = hub.hub.blobStorage().blobWriteSas("fileuploads", "device-1/upload.bin",
                Instant.now().plus(1, ChronoUnit.HOURS));
        String sasUrl = "https://" + hub.hub.blobStorage().uploadHostName() + "/fileuploads/device-1/upload.bin" + sas;

        NodeSdk.Result result = storageSdk.run(hub.hub.caCertificateFile(), "blob-roundtrip.js",
                hub.hub.storageConnectionString(), Duration.ofMinutes(2), sasUrl);

        assertThat(result.output()).as(result.toString()).contains("OK");
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }
}
