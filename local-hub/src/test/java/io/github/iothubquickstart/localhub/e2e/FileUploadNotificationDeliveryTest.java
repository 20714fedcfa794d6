package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClientBuilder;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotification;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotifications;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File upload notifications are kept until a back-end completes them: across a restart of the hub, and through
 * abandons (over AMQPS_WS here, as the SDK's own FileUploadTests listen) up to IoT Hub's maximum delivery count, after
 * which they are dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileUploadNotificationDeliveryTest {
    /** Each test's own hub, started (and restarted) by the test. */
    @RegisterExtension
    final TestHub hub = TestHub.builder().webSockets().startedByTheTest().build();
    private FileUploadNotificationProcessorClient processor;

    @AfterEach
    void stopTheProcessor() throws Exception {
        if (processor != null) {
            processor.stop();
        }
    }

    @Test
    void aNotificationNoBackEndTookSurvivesARestartOfTheHub() throws Exception {
        hub.start();
        reportAnUpload("survivor", "before-restart.log", 77);
        hub.restart();

        LinkedBlockingQueue<FileUploadNotification> received = new LinkedBlockingQueue<>();
        listen(IotHubServiceClientProtocol.AMQPS, notification -> {
            received.add(notification);
            return AcknowledgementType.COMPLETE;
        });

        FileUploadNotification notification = received.poll(15, TimeUnit.SECONDS);
        assertThat(notification).isNotNull();
        assertThat(notification.getBlobName()).isEqualTo("survivor/before-restart.log");
        assertThat(notification.getBlobSizeInBytes()).isEqualTo(77);
        processor.stop();
        processor = null;
        hub.restart();

        LinkedBlockingQueue<FileUploadNotification> again = new LinkedBlockingQueue<>();
        listen(IotHubServiceClientProtocol.AMQPS, later -> {
            again.add(later);
            return AcknowledgementType.COMPLETE;
        });
        assertThat(again.poll(2, TimeUnit.SECONDS)).as("a completed notification is gone for good").isNull();
    }

    @Test
    void anAbandonedNotificationComesAgainUpToTheMaximumDeliveryCountThenIsDropped() throws Exception {
        hub.start();
        LinkedBlockingQueue<FileUploadNotification> abandoned = new LinkedBlockingQueue<>();
        listen(IotHubServiceClientProtocol.AMQPS_WS, notification -> {
            abandoned.add(notification);
            return AcknowledgementType.ABANDON;
        });

        reportAnUpload("abandoned", "again.bin", 3);

        for (int delivery = 1; delivery <= FileUploadNotifications.MAX_DELIVERY_COUNT; delivery++) {
            FileUploadNotification notification = abandoned.poll(15, TimeUnit.SECONDS);
            assertThat(notification).as("delivery %d", delivery).isNotNull();
            assertThat(notification.getBlobName()).isEqualTo("abandoned/again.bin");
        }
        assertThat(abandoned.poll(2, TimeUnit.SECONDS)).as("no delivery past the maximum").isNull();
        processor.stop();

        LinkedBlockingQueue<FileUploadNotification> completing = new LinkedBlockingQueue<>();
        listen(IotHubServiceClientProtocol.AMQPS, notification -> {
            completing.add(notification);
            return AcknowledgementType.COMPLETE;
        });
        assertThat(completing.poll(2, TimeUnit.SECONDS)).as("dropped after the maximum delivery count").isNull();
    }

    private void reportAnUpload(String deviceId, String name, long size) throws Exception {
        if (hub.hub.identity().registry().findDevice(deviceId).isEmpty()) {
            hub.registerDevice(deviceId);
        }
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.HTTPS);
        device.open(false);
        FileUploadSasUriResponse sas = device.getFileUploadSasUri(new FileUploadSasUriRequest(name));
        new BlobClientBuilder().endpoint(sas.getBlobUri().toString())
                .httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile())).buildClient()
                .upload(BinaryData.fromBytes(new byte[(int) size]), true);
        device.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 0, "done"));
        hub.closeDevices();
    }

    private void listen(IotHubServiceClientProtocol protocol,
                        Function<FileUploadNotification, AcknowledgementType> handler) throws Exception {
        processor = new FileUploadNotificationProcessorClient(hub.hub.hostName(),
                new AzureSasCredential(hub.sasToken("service")), protocol, handler,
                FileUploadNotificationProcessorClientOptions.builder().sslContext(hub.trustHubCa).build());
        processor.start();
    }
}
