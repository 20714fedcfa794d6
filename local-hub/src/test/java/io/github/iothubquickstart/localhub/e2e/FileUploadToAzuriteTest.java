package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClientBuilder;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotification;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import io.github.iothubquickstart.localhub.tls.HubCertificates;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * File upload to a storage account named by connection string, Azurite here (skipped without Node, as
 * {@link AzuriteProcess} says): the device SDK's SAS URI points at Azurite, the Azure Storage SDK uploads there, and the
 * hub reads the blob's size from Azurite for the notification; a success for a blob Azurite lacks is 400.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FileUploadToAzuriteTest {
    private static final String ACCOUNT = "uploads";
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    @TempDir
    static Path azuriteData;
    static AzuriteProcess azurite;
    static FileUploadNotificationProcessorClient processor;
    static final LinkedBlockingQueue<FileUploadNotification> notifications = new LinkedBlockingQueue<>();

    @BeforeAll
    static void linkAzurite() throws Exception {
        // The hub's first start made its CA and its server certificate for the address, which Azurite serves with.
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        String base64Key = Base64.getEncoder().encodeToString(key);
        azurite = AzuriteProcess.start(hub.address(), ACCOUNT, base64Key,
                hub.dataDirectory().resolve(HubCertificates.SERVER_CERTIFICATE),
                hub.dataDirectory().resolve(HubCertificates.SERVER_KEY), azuriteData);
        hub.restartWith(settings -> settings.storageConnectionString("DefaultEndpointsProtocol=https;AccountName="
                + ACCOUNT + ";AccountKey=" + base64Key + ";BlobEndpoint=" + azurite.blobEndpoint(ACCOUNT) + ";"));
        processor = new FileUploadNotificationProcessorClient(hub.hub.hostName(),
                new AzureSasCredential(hub.sasToken("service")), IotHubServiceClientProtocol.AMQPS,
                notification -> {
                    notifications.add(notification);
                    return AcknowledgementType.COMPLETE;
                }, FileUploadNotificationProcessorClientOptions.builder().sslContext(hub.trustHubCa).build());
        processor.start();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (processor != null) {
            processor.stop();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aDeviceUploadsToAzuriteAndTheBackEndIsNotifiedWithTheBlobsSize() throws Exception {
        DeviceClient device = hub.device(hub.registerDevice("azurite-camera"), IotHubClientProtocol.MQTT);
        device.open(false);

        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest("frames/1.jpg"));
        assertThat(sas.getHostName()).isEqualTo(azurite.host + ":" + azurite.port + "/" + ACCOUNT);
        new BlobClientBuilder().endpoint(sas.getBlobUri().toString())
                .httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile())).buildClient()
                .upload(BinaryData.fromBytes(new byte[4321]), true);
        device.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "ok"));

        FileUploadNotification notification = notifications.poll(15, TimeUnit.SECONDS);
        assertThat(notification).isNotNull();
        assertThat(notification.getBlobName()).isEqualTo("azurite-camera/frames/1.jpg");
        assertThat(notification.getBlobSizeInBytes()).isEqualTo(4321);
        assertThat(notification.getBlobUri()).startsWith("https://" + sas.getHostName() + "/fileupload/");

        FileUploadSasUriResponse missing = device.getFileUploadSasUri(new FileUploadSasUriRequest("never.jpg"));
        assertThatThrownBy(() -> device.completeFileUpload(
                new FileUploadCompletionNotification(missing.getCorrelationId(), true, 0, "ok")))
                .isInstanceOf(IotHubClientException.class);
    }
}
