package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryJob;
import com.microsoft.azure.sdk.iot.service.registry.StorageAuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationTypeParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.ExportImportDeviceParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.SymmetricKeyParser;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Import and export as the service SDK's own ExportImportTests runs them, against the hub's built-in blob endpoint:
 * containers made with the Azure Storage SDK from the storage connection string, container SAS URIs it signs, ten
 * devices imported with createOrUpdate and deleted again with delete, each time checked in an export, with key-based
 * and identity-based storage authentication; and a SAS without the write right failing the export with its reason.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ImportExportBlobEndpointEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;
    static BlobServiceClient storage;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        HttpClient http = AzureStorageClients.trusting(hub.hub.caCertificateFile());
        storage = new BlobServiceClientBuilder().connectionString(hub.hub.storageConnectionString()).httpClient(http)
                .buildClient();
    }

    @Test
    void tenDevicesImportedExportedDeletedWithKeyBasedStorage() throws Exception {
        roundTrip(null);
    }

    @Test
    void tenDevicesImportedExportedDeletedWithIdentityBasedStorage() throws Exception {
        roundTrip(StorageAuthenticationType.IDENTITY);
    }

    @Test
    void anExportToAContainerSasWithoutTheWriteRightFailsWithTheReason() throws Exception {
        BlobContainerClient container = storage.createBlobContainer("readonly-" + UUID.randomUUID());
        String readAndList = sasUri(container, new BlobContainerSasPermission().setReadPermission(true)
                .setListPermission(true));

        RegistryJob job = awaitEnd(registry.exportDevices(readAndList, false));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.FAILED);
        assertThat(job.getFailureReason()).contains("devices.txt").contains("AuthorizationPermissionMismatch");
        assertThat(container.getBlobClient("devices.txt").exists()).isFalse();
    }

    private void roundTrip(StorageAuthenticationType authentication) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        BlobContainerClient importContainer = storage.createBlobContainer("importcontainersample-" + run);
        BlobContainerClient exportContainer = storage.createBlobContainer("exportcontainersample-" + run);
        List<ExportImportDeviceParser> devices = IntStream.range(0, 10)
                .mapToObj(i -> device("java-bulk-test-" + run + "-" + i)).toList();

        upload(importContainer, devices, "createOrUpdate");
        assertThat(awaitEnd(importJob(importContainer, authentication)).getStatus())
                .isEqualTo(RegistryJob.JobStatus.COMPLETED);
        Map<String, ExportImportDeviceParser> exported = export(exportContainer, authentication);
        for (ExportImportDeviceParser device : devices) {
            ExportImportDeviceParser line = exported.get(device.getId());
            assertThat(line).as("device %s in the export", device.getId()).isNotNull();
            assertThat(line.getAuthentication().getSymmetricKey().getPrimaryKey())
                    .isEqualTo(device.getAuthentication().getSymmetricKey().getPrimaryKey());
            assertThat(line.getTags().get("test01")).isEqualTo("firstvalue");
        }

        upload(importContainer, devices, "delete");
        assertThat(awaitEnd(importJob(importContainer, authentication)).getStatus())
                .isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(export(exportContainer, authentication).keySet())
                .doesNotContainAnyElementsOf(devices.stream().map(ExportImportDeviceParser::getId).toList());
    }

    private RegistryJob importJob(BlobContainerClient container, StorageAuthenticationType authentication)
            throws Exception {
        String uri = sasUri(container, allRights());
        return authentication == null ? registry.importDevices(uri, uri)
                : registry.importDevices(RegistryJob.createForImportJob(uri, uri, authentication));
    }

    private Map<String, ExportImportDeviceParser> export(BlobContainerClient container,
                                                         StorageAuthenticationType authentication) throws Exception {
        String uri = sasUri(container, allRights());
        RegistryJob job = awaitEnd(authentication == null ? registry.exportDevices(uri, false)
                : registry.exportDevices(RegistryJob.createForExportJob(uri, false, authentication)));
        assertThat(job.getStatus()).as("export: %s", job.getFailureReason()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        return container.getBlobClient("devices.txt").downloadContent().toString().lines()
                .map(ExportImportDeviceParser::new)
                .filter(line -> line.getModuleId() == null)
                .collect(Collectors.toMap(ExportImportDeviceParser::getId, Function.identity()));
    }

    /** A device line as the SDK's test builds it: generated keys, enabled, one tag. */
    private static ExportImportDeviceParser device(String id) {
        ExportImportDeviceParser device = new ExportImportDeviceParser();
        device.setId(id);
        AuthenticationParser authentication = new AuthenticationParser();
        authentication.setType(AuthenticationTypeParser.SAS);
        authentication.setSymmetricKey(new SymmetricKeyParser(key(id, 1), key(id, 2)));
        device.setAuthentication(authentication);
        device.setStatus("Enabled");
        TwinCollection tags = new TwinCollection();
        tags.put("test01", "firstvalue");
        device.setTags(tags);
        return device;
    }

    private static String key(String id, int which) {
        return java.util.Base64.getEncoder().encodeToString((id + "-key-" + which + "-padding-to-32-bytes")
                .substring(0, 32).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** devices.txt lines separated by CRLF, the import mode spelled as the SDK's enum name, as its test does. */
    private static void upload(BlobContainerClient container, List<ExportImportDeviceParser> devices, String mode) {
        String content = devices.stream().peek(device -> device.setImportMode(mode))
                .map(ExportImportDeviceParser::toJson).collect(Collectors.joining("\r\n"));
        container.getBlobClient("devices.txt").upload(BinaryData.fromString(content), true);
    }

    private static BlobContainerSasPermission allRights() {
        return new BlobContainerSasPermission().setReadPermission(true).setAddPermission(true)
                .setCreatePermission(true).setWritePermission(true).setDeletePermission(true).setListPermission(true);
    }

    private static String sasUri(BlobContainerClient container, BlobContainerSasPermission permission) {
        String sas = container.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusDays(1),
                permission).setStartTime(OffsetDateTime.now().minusMinutes(1)));
        return container.getBlobContainerUrl() + "?" + sas;
    }

    private static RegistryJob awaitEnd(RegistryJob job) throws Exception {
        RegistryJob[] latest = {job};
        TestHub.awaitThat(() -> {
            try {
                latest[0] = registry.getJob(job.getJobId());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return latest[0].getStatus() == RegistryJob.JobStatus.COMPLETED
                    || latest[0].getStatus() == RegistryJob.JobStatus.FAILED;
        }, Duration.ofSeconds(60), "job " + job.getJobId() + " to end");
        return latest[0];
    }
}
