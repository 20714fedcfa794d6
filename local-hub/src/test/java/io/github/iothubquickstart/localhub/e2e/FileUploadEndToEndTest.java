package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotification;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.fileupload.FileUploads;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * File upload with the unmodified SDKs: a {@code DeviceClient} (its file upload goes over HTTPS on 443 whatever its
 * protocol) gets a SAS URI for {@code {deviceId}/{name}}, uploads with the Azure Storage SDK's {@code BlobClient} to
 * the hub's built-in blob endpoint, reports it done, and {@code FileUploadNotificationProcessorClient} gets IoT Hub's
 * notification with the blob's size and time; IoT Hub's refusals (a missing blob reported a success, a name outside
 * the device's prefix, a SAS used for another blob, another device's correlation id, an eleventh upload at once).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileUploadEndToEndTest {
    private static final long WAIT_SECONDS = 15;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static HttpClient storageHttp;
    static final LinkedBlockingQueue<FileUploadNotification> notifications = new LinkedBlockingQueue<>();
    static FileUploadNotificationProcessorClient processor;

    @BeforeAll
    static void setUp() throws Exception {
        storageHttp = AzureStorageClients.trusting(hub.hub.caCertificateFile());
        processor = new FileUploadNotificationProcessorClient(hub.hub.hostName(),
                new AzureSasCredential(hub.sasToken("service")), IotHubServiceClientProtocol.AMQPS,
                notification -> {
                    notifications.add(notification);
                    return AcknowledgementType.COMPLETE;
                }, FileUploadNotificationProcessorClientOptions.builder().sslContext(hub.trustHubCa).build());
        processor.start();
    }

    @AfterEach
    void closeDevices() {
        hub.closeDevices();
    }

    @AfterAll
    static void tearDown() throws Exception {
        processor.stop();
    }

    @Test
    void theUploadContainerIsMadeWhenTheHubStarts() {
        assertThat(new BlobServiceClientBuilder().connectionString(hub.hub.storageConnectionString())
                .httpClient(storageHttp).buildClient().getBlobContainerClient(FileUploads.DEFAULT_CONTAINER).exists())
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aDeviceGetsASasUriForItsBlobReportsTheUploadAndTheBackEndIsNotified(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("camera", protocol));
        DeviceClient device = hub.device(deviceId, protocol);
        device.open(false);

        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("reports/today.txt"));

        assertThat(sas.getBlobName()).isEqualTo(deviceId + "/reports/today.txt");
        assertThat(sas.getContainerName()).isEqualTo(FileUploads.DEFAULT_CONTAINER);
        assertThat(sas.getHostName()).isEqualTo(hub.hub.blobStorage().uploadHostName());
        Instant expiry = Instant.parse(java.net.URLDecoder.decode(
                sas.getSasToken().replaceAll(".*[?&]se=([^&]+).*", "$1"), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(expiry).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));
        assertThat(sas.getBlobUri().toString()).startsWith("https://" + sas.getHostName()
                + "/fileupload/" + deviceId + "%2Freports%2Ftoday.txt?");
        BlobClient blob = upload(sas, new byte[1234]);
        Instant written = blob.getProperties().getLastModified().toInstant();

        device.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "done"));

        FileUploadNotification notification = nextNotificationOf(deviceId);
        assertThat(notification.getBlobName()).isEqualTo(deviceId + "/reports/today.txt");
        assertThat(notification.getBlobSizeInBytes()).isEqualTo(1234);
        assertThat(notification.getBlobUri()).isEqualTo("https://" + sas.getHostName() + "/fileupload/"
                + deviceId + "/reports/today.txt");
        assertThat(notification.getLastUpdatedTimeDate().toInstant()).isEqualTo(written);
        assertThat(notification.getEnqueuedTimeUtcDate().toInstant()).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(10, ChronoUnit.SECONDS));
    }

    /** The SDK's FileUploadTests.getAndCompleteSasUriWithoutUpload, over HTTPS with a SAS key and self-signed X.509. */
    @ParameterizedTest
    @EnumSource(value = AuthenticationType.class, names = {"SAS", "SELF_SIGNED"})
    void getAndCompleteSasUriWithoutUpload(AuthenticationType type) throws Exception {
        String deviceId = "no-upload-" + type.name().toLowerCase(java.util.Locale.ROOT);
        DeviceClient device = type == AuthenticationType.SAS
                ? hub.device(hub.registerDevice(deviceId), IotHubClientProtocol.HTTPS)
                : hub.x509Device(deviceId, registerSelfSigned(deviceId), IotHubClientProtocol.HTTPS);
        device.open(false);

        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("File.txt"));
        FileUploadCompletionNotification done = new FileUploadCompletionNotification();
        done.setCorrelationId(sas.getCorrelationId());
        done.setStatusCode(0);
        done.setSuccess(false);
        done.setStatusDescription("Succeed to upload to storage.");
        device.completeFileUpload(done);

        assertThat(sas.getBlobName()).isEqualTo(deviceId + "/File.txt");
        assertThat(notifications.poll(1, TimeUnit.SECONDS)).as("no notification for a failed upload").isNull();
    }

    /** The SDK's FileUploadTests.getAndCompleteSasUriWithMultipleUploads: five uploads, five notifications. */
    @Test
    void getAndCompleteSasUriWithMultipleUploads() throws Exception {
        String deviceId = hub.registerDevice("multiple");
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.HTTPS);
        device.open(false);
        Set<String> expected = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("File" + i + ".txt"));
            upload(sas, new byte[10]);
            device.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "ok"));
            expected.add(deviceId + "/File" + i + ".txt");
        }

        Set<String> notified = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            notified.add(nextNotificationOf(deviceId).getBlobName());
        }
        assertThat(notified).isEqualTo(expected);
    }

    @Test
    void aSuccessForABlobStorageDoesNotHaveIsIotHubs400AndNotifiesNoOne() throws Exception {
        DeviceClient device = hub.device(hub.registerDevice("no-blob"), IotHubClientProtocol.HTTPS);
        device.open(false);
        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("never-written.bin"));

        assertThatThrownBy(() -> device.completeFileUpload(
                new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "done")))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.BAD_FORMAT));
        assertThat(notifications.poll(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aDeviceGetsNoSasForABlobOutsideItsOwnPrefix() throws Exception {
        hub.registerDevice("victim");
        DeviceClient device = hub.device(hub.registerDevice("intruder"), IotHubClientProtocol.HTTPS);
        device.open(false);

        for (String name : List.of("../victim/firmware.bin", "a/../../victim/x", "/victim/x", "a\\..\\..\\victim\\x",
                "x".repeat(1024))) {
            assertThatThrownBy(() -> device.getFileUploadSasUri(new FileUploadSasUriRequest(name)))
                    .as(name)
                    .isInstanceOfSatisfying(IotHubClientException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.BAD_FORMAT));
        }
    }

    @Test
    void anotherDevicesCorrelationIdCompletesNothing() throws Exception {
        DeviceClient owner = hub.device(hub.registerDevice("owner"), IotHubClientProtocol.HTTPS);
        DeviceClient other = hub.device(hub.registerDevice("other"), IotHubClientProtocol.HTTPS);
        owner.open(false);
        other.open(false);
        FileUploadSasUriResponse sas = owner.getFileUploadSasUri(new FileUploadSasUriRequest("mine.txt"));
        upload(sas, new byte[5]);

        assertThatThrownBy(() -> other.completeFileUpload(
                new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "done")))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.BAD_FORMAT));
        assertThatThrownBy(() -> other.completeFileUpload(
                new FileUploadCompletionNotification("no-such-correlation-id", false, 0, "done")))
                .isInstanceOf(IotHubClientException.class);
        assertThat(notifications.poll(1, TimeUnit.SECONDS)).isNull();

        owner.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "done"));
        assertThat(nextNotificationOf("owner").getBlobName()).isEqualTo("owner/mine.txt");
    }

    @Test
    void anEleventhUploadAtOnceIsIotHubs403UntilOneIsReportedDone() throws Exception {
        DeviceClient device = hub.device(hub.registerDevice("busy"), IotHubClientProtocol.HTTPS);
        device.open(false);
        List<String> correlationIds = new ArrayList<>();
        for (int i = 0; i < FileUploads.MAX_ACTIVE_UPLOADS; i++) {
            correlationIds.add(device.getFileUploadSasUri(new FileUploadSasUriRequest("f" + i)).getCorrelationId());
        }

        assertThatThrownBy(() -> device.getFileUploadSasUri(new FileUploadSasUriRequest("one-too-many")))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.QUOTA_EXCEEDED));

        device.completeFileUpload(new FileUploadCompletionNotification(correlationIds.get(0), false, 500, "failed"));
        assertThat(device.getFileUploadSasUri(new FileUploadSasUriRequest("one-more")).getBlobName())
                .isEqualTo("busy/one-more");
    }

    @Test
    void aDevicesSasWritesItsOwnBlobOnly() throws Exception {
        hub.registerDevice("other-camera");
        DeviceClient device = hub.device(hub.registerDevice("camera-sas"), IotHubClientProtocol.HTTPS);
        device.open(false);
        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("mine.jpg"));

        for (String blobName : List.of("camera-sas/other.jpg", "other-camera/mine.jpg")) {
            BlobClient elsewhere = new BlobClientBuilder().endpoint("https://" + sas.getHostName() + "/"
                    + sas.getContainerName() + "/" + java.net.URLEncoder.encode(blobName,
                    java.nio.charset.StandardCharsets.UTF_8) + sas.getSasToken()).httpClient(storageHttp).buildClient();
            assertThatThrownBy(() -> elsewhere.upload(com.azure.core.util.BinaryData.fromBytes(new byte[3])))
                    .as(blobName)
                    .isInstanceOfSatisfying(BlobStorageException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(403));
        }
    }

    @Test
    void theRawApiRefusesAnotherDevicesPathAModulePathAndBadBodies() throws Exception {
        hub.registerDevice("raw-owner");
        hub.registerDevice("raw-victim");
        hub.registerModule("raw-owner", "sensor");
        String deviceToken = token("/devices/raw-owner",
                hub.hub.identity().registry().findDevice("raw-owner").orElseThrow().keys().get(0));
        String moduleToken = token("/devices/raw-owner/modules/sensor",
                hub.hub.identity().registry().findModule("raw-owner", "sensor").orElseThrow().keys().get(0));
        String body = "{\"blobName\":\"x.txt\"}";

        assertThat(post("/devices/raw-victim/files", body, deviceToken).statusCode())
                .as("the owner's token on the victim's path").isEqualTo(401);
        assertThat(post("/devices/raw-owner/modules/sensor/files", body, moduleToken).statusCode())
                .as("IoT Hub has no file upload for modules").isEqualTo(404);
        assertThat(post("/devices/raw-owner/files", "not json", deviceToken).statusCode()).isEqualTo(400);
        assertThat(post("/devices/raw-owner/files", "{\"blobName\":7}", deviceToken).statusCode()).isEqualTo(400);
        assertThat(post("/devices/raw-owner/files/notifications", "{\"correlationId\":\"c\",\"isSuccess\":\"yes\"}",
                deviceToken).statusCode()).isEqualTo(400);
        HttpResponse<String> answer = post("/devices/raw-owner/files", body, deviceToken);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(com.google.gson.JsonParser.parseString(answer.body()).getAsJsonObject().get("blobName")
                .getAsString()).isEqualTo("raw-owner/x.txt");
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(hub.trustHubCa).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://" + hub.address() + ":" + hub.hub.httpsPort() + path
                        + "?api-version=2020-03-13")).header("Authorization", token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String resource, String key) {
        return SasSigner.sign(key, hub.hub.hostName() + resource, Instant.now().plusSeconds(600).getEpochSecond(),
                null);
    }

    /** Uploads as Microsoft's quickstart does: a BlobClient on the SAS URI the SDK builds. */
    private static BlobClient upload(FileUploadSasUriResponse sas, byte[] content) throws Exception {
        BlobClient blob = new BlobClientBuilder().endpoint(sas.getBlobUri().toString()).httpClient(storageHttp)
                .buildClient();
        blob.upload(com.azure.core.util.BinaryData.fromBytes(content), true);
        return blob;
    }

    private static ClientCertificates.Issued registerSelfSigned(String deviceId) throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Issued certificate = ClientCertificates.selfSigned(deviceId, now.minusSeconds(60),
                now.plus(Duration.ofDays(1)));
        Device device = new Device(deviceId, com.microsoft.azure.sdk.iot.service.auth.AuthenticationType.SELF_SIGNED);
        device.setThumbprint(ClientCertificates.sha1Thumbprint(certificate.certificate()), null);
        hub.registryClient("registryReadWrite").addDevice(device);
        return certificate;
    }

    private static FileUploadNotification nextNotificationOf(String deviceId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            FileUploadNotification notification = notifications.poll(1, TimeUnit.SECONDS);
            if (notification != null && notification.getDeviceId().equals(deviceId)) {
                return notification;
            }
        }
        throw new AssertionError("No file upload notification for " + deviceId + " within " + WAIT_SECONDS + " s");
    }
}
