package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's built-in blob endpoint as the Azure Storage SDK ({@code azure-storage-blob}) uses it: with the storage
 * connection string (Shared Key), and with the service SAS tokens the hub hands devices for file upload.
 */
class BuiltInBlobEndpointTest {
    @TempDir
    static Path files;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static HttpClient http;
    static BlobServiceClient service;

    @BeforeAll
    static void setUp() {
        http = AzureStorageClients.trusting(hub.hub.caCertificateFile());
        service = new BlobServiceClientBuilder().connectionString(hub.hub.storageConnectionString()).httpClient(http)
                .buildClient();
    }

    @Test
    void uploadsListsReadsAndDeletesASmallBlobWithTheConnectionString() {
        BlobContainerClient container = service.createBlobContainer("small");
        BlobClient blob = container.getBlobClient("folder/hello world.txt");
        blob.upload(BinaryData.fromString("hello, blob"));

        assertThat(blob.downloadContent().toString()).isEqualTo("hello, blob");
        BlobProperties properties = blob.getProperties();
        assertThat(properties.getBlobSize()).isEqualTo(11);
        assertThat(properties.getContentMd5()).isEqualTo(md5("hello, blob".getBytes()));
        assertThat(container.listBlobs().stream().map(BlobItem::getName).toList())
                .containsExactly("folder/hello world.txt");

        blob.delete();
        assertThat(blob.exists()).isFalse();
        assertThatThrownBy(blob::downloadContent).isInstanceOfSatisfying(BlobStorageException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.BLOB_NOT_FOUND));
        container.delete();
        assertThat(container.exists()).isFalse();
    }

    @Test
    void uploadsInBlocksAndReadsInRanges() throws IOException {
        BlobContainerClient container = service.createBlobContainer("blocks");
        byte[] content = randomBytes(5 * 1024 * 1024 + 12345, 7);
        BlobClient blob = container.getBlobClient("multi.bin");
        blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(1024L * 1024)
                        .setMaxSingleUploadSizeLong(1024L * 1024).setMaxConcurrency(4)), null, null);

        try (InputStream in = blob.openInputStream()) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(content));
        }
        assertThat(blob.getProperties().getBlobSize()).isEqualTo(content.length);
    }

    @Test
    void takesTheSdksLargestSingleUpload() throws Exception {
        BlobContainerClient container = service.createBlobContainer("large");
        Path source = files.resolve("large.bin");
        long size = BlockBlobClient.MAX_UPLOAD_BLOB_BYTES_LONG > 256L * 1024 * 1024 ? 256L * 1024 * 1024
                : BlockBlobClient.MAX_UPLOAD_BLOB_BYTES_LONG;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        Random random = new Random(11);
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(source)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                written.update(chunk);
                out.write(chunk);
            }
        }
        BlobClient blob = container.getBlobClient("large.bin");
        blob.uploadFromFile(source.toString());

        Path downloaded = files.resolve("downloaded.bin");
        blob.downloadToFile(downloaded.toString());
        assertThat(Files.size(downloaded)).isEqualTo(size);
        assertThat(sha256(downloaded)).isEqualTo(HexFormat.of().formatHex(written.digest()));
        Files.delete(source);
        Files.delete(downloaded);
        blob.delete();
    }

    @Test
    void aBlobSasWritesAndReadsItsBlobOnly() {
        service.createBlobContainer("sas");
        BlobStorage storage = hub.hub.blobStorage();
        String sas = storage.blobWriteSas("sas", "device/upload.txt", Instant.now().plus(1, ChronoUnit.HOURS));

        BlobClient granted = blobWithSas("sas", "device/upload.txt", sas);
        granted.upload(BinaryData.fromString("uploaded by a device"));
        assertThat(granted.downloadContent().toString()).isEqualTo("uploaded by a device");

        assertThat(refusal(() -> blobWithSas("sas", "device/other.txt", sas).upload(BinaryData.fromString("x"))))
                .isEqualTo(403);
        BlobContainerClient containerWithBlobSas = new BlobContainerClientBuilder()
                .endpoint(endpoint() + "/sas" + sas).httpClient(http).buildClient();
        assertThat(refusal(() -> containerWithBlobSas.listBlobs().stream().toList())).isEqualTo(403);
        assertThat(service.getBlobContainerClient("sas").getBlobClient("device/other.txt").exists()).isFalse();
    }

    @Test
    void refusesExpiredTamperedAndMissingSas() {
        service.createBlobContainer("refused");
        BlobStorage storage = hub.hub.blobStorage();
        String expired = storage.blobWriteSas("refused", "a.txt", Instant.now().minus(1, ChronoUnit.MINUTES));
        BlobStorageException expiredRefusal = refusalException(() -> blobWithSas("refused", "a.txt", expired)
                .upload(BinaryData.fromString("late")));
        assertThat(expiredRefusal.getStatusCode()).isEqualTo(403);
        assertThat(expiredRefusal.getErrorCode()).isEqualTo(BlobErrorCode.AUTHENTICATION_FAILED);

        String valid = storage.blobWriteSas("refused", "a.txt", Instant.now().plus(1, ChronoUnit.HOURS));
        String tampered = valid.replace("sp=rcw", "sp=rcwd");
        assertThat(refusalException(() -> blobWithSas("refused", "a.txt", tampered).upload(BinaryData.fromString("x")))
                .getErrorCode()).isEqualTo(BlobErrorCode.AUTHENTICATION_FAILED);

        BlobClient anonymous = new BlobClientBuilder().endpoint(endpoint() + "/refused/a.txt").httpClient(http)
                .buildClient();
        assertThat(refusal(() -> anonymous.upload(BinaryData.fromString("anonymous")))).isEqualTo(404);
        assertThat(service.getBlobContainerClient("refused").getBlobClient("a.txt").exists()).isFalse();
    }

    @Test
    void refusesAConnectionStringWithAnotherKey() {
        String wrongKey = hub.hub.storageConnectionString().replaceAll("AccountKey=[^;]+",
                "AccountKey=" + Base64.getEncoder().encodeToString(randomBytes(64, 3)));
        BlobServiceClient impostor = new BlobServiceClientBuilder().connectionString(wrongKey).httpClient(http)
                .buildClient();
        BlobStorageException refused = refusalException(() -> impostor.createBlobContainer("impostor"));
        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(refused.getErrorCode()).isEqualTo(BlobErrorCode.AUTHENTICATION_FAILED);
        assertThat(service.getBlobContainerClient("impostor").exists()).isFalse();
    }

    @Test
    void keepsTheAccountKeyOwnerOnlyAndNeverWellKnown() throws IOException {
        Path key = hub.dataDirectory().resolve("blob-account.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(hub.hub.storageConnectionString()).contains("AccountKey=" + Files.readString(key).trim())
                .doesNotContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq")
                .contains("BlobEndpoint=https://" + hub.hub.hostName() + ":" + hub.hub.httpsPort() + "/localhub;");
    }

    @Test
    void servesFileUploadAndImportExportAsTheirBlobStorage() throws Exception {
        StorageAccountContract contract = new StorageAccountContract(hub.hub.blobStorage(),
                hub.hub.storageConnectionString(), http);
        contract.signsSasTokensTheSdkWritesWithForTheirBlobOnly();
        contract.readsAndWritesContainersByUri();
    }

    @Test
    void answersAzuresErrorsForContainersTwiceAndBadChecksums() {
        BlobContainerClient container = service.createBlobContainer("checks");
        assertThatThrownBy(() -> service.createBlobContainer("checks")).isInstanceOfSatisfying(
                BlobStorageException.class, e -> assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.CONTAINER_ALREADY_EXISTS));
        assertThat(container.createIfNotExists()).isFalse();

        BlockBlobClient blob = container.getBlobClient("checked.txt").getBlockBlobClient();
        byte[] content = "checked content".getBytes();
        assertThatThrownBy(() -> blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setContentMd5(md5("other content".getBytes())), null, null))
                .isInstanceOfSatisfying(BlobStorageException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.MD5MISMATCH);
                });
        assertThat(blob.exists()).isFalse();
        blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setContentMd5(md5(content)), null, null);
        assertThat(blob.downloadContent().toBytes()).isEqualTo(content);

        assertThatThrownBy(() -> service.getBlobContainerClient("never-made").delete()).isInstanceOfSatisfying(
                BlobStorageException.class, e -> assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.CONTAINER_NOT_FOUND));
        assertThatThrownBy(() -> service.getBlobContainerClient("never-made").getBlobClient("x").upload(
                BinaryData.fromString("x"))).isInstanceOfSatisfying(BlobStorageException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.CONTAINER_NOT_FOUND));
    }

    @Test
    void uploadWithoutOverwriteKeepsAnExistingBlob() {
        BlobClient blob = service.createBlobContainer("overwrite").getBlobClient("once.txt");
        blob.upload(BinaryData.fromString("first"));

        assertThatThrownBy(() -> blob.upload(BinaryData.fromString("second"))).isInstanceOfSatisfying(
                BlobStorageException.class, e -> assertThat(e.getErrorCode()).isEqualTo(BlobErrorCode.BLOB_ALREADY_EXISTS));
        assertThat(blob.downloadContent().toString()).isEqualTo("first");
        blob.upload(BinaryData.fromString("third"), true);
        assertThat(blob.downloadContent().toString()).isEqualTo("third");
    }

    @Test
    void storesAndReadsAnEmptyBlob() throws IOException {
        BlobClient blob = service.createBlobContainer("empty").getBlobClient("nothing.txt");
        blob.upload(BinaryData.fromBytes(new byte[0]));

        assertThat(blob.downloadContent().toBytes()).isEmpty();
        Path downloaded = files.resolve("nothing.txt");
        blob.downloadToFile(downloaded.toString());
        assertThat(Files.size(downloaded)).isZero();
        assertThat(blob.getProperties().getBlobSize()).isZero();
    }

    @Test
    void refusesABodyLargerThanTheHubsLimitBeforeReadingIt() throws Exception {
        service.createBlobContainer("limits");
        String sas = hub.hub.blobStorage().blobWriteSas("limits", "huge.bin", Instant.now().plus(1, ChronoUnit.HOURS));
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) hub.trustHubCa.getSocketFactory()
                .createSocket(hub.hub.hostName(), hub.hub.httpsPort())) {
            socket.setSoTimeout(10_000);
            String request = "PUT /localhub/limits/huge.bin" + sas + " HTTP/1.1\r\nHost: " + hub.hub.hostName()
                    + "\r\nx-ms-blob-type: BlockBlob\r\nx-ms-version: 2021-08-06\r\nContent-Length: "
                    + (BuiltInBlobStorage.MAX_BLOB_BYTES + 1) + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(400), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("x-ms-error-code: RequestBodyTooLarge");
        }
        assertThat(service.getBlobContainerClient("limits").getBlobClient("huge.bin").exists()).isFalse();
    }

    private static String endpoint() {
        return "https://" + hub.hub.hostName() + ":" + hub.hub.httpsPort() + "/localhub";
    }

    private static BlobClient blobWithSas(String container, String blobName, String sas) {
        return new BlobClientBuilder().endpoint(endpoint() + "/" + container + "/" + blobName + sas).httpClient(http)
                .buildClient();
    }

    private static int refusal(Runnable call) {
        return refusalException(call).getStatusCode();
    }

    private static BlobStorageException refusalException(Runnable call) {
        try {
            call.run();
        } catch (BlobStorageException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int read; (read = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

}
