package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cloud-to-device message the hub accepted from a back-end is kept until the device takes it: across a restart of
 * the hub, and across the hub being killed (SIGKILL, no shutdown of any kind).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloudToDevicePersistenceTest {
    /** Each test's own hub, on a data directory a hub in a child process may have used first. */
    @RegisterExtension
    final TestHub hub = TestHub.builder().startedByTheTest().build();
    private final HubProcess hubProcess = new HubProcess();

    @AfterEach
    void stopTheChildProcess() throws Exception {
        hubProcess.stop();
    }

    @Test
    void aQueuedMessageReachesTheDeviceAfterTheHubRestarts() throws Exception {
        hub.start();
        hub.registerDevice("kept-device");
        Message message = new Message("kept across a restart");
        message.setMessageId("kept-1");
        hub.messagingClient("service").send("kept-device", message);
        hub.restart();

        assertThat(receiveOne("kept-device")).isEqualTo("kept-1 kept across a restart");
    }

    @Test
    void anAcceptedMessageSurvivesKillMinus9() throws Exception {
        String address = hub.address();
        Path dataDirectory = hub.dataDirectory();
        hubProcess.start(address, dataDirectory);
        SharedAccessPolicy service;
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            identity.registry().createDevice("crash-device");
            service = identity.registry().findPolicy("service").orElseThrow();
        }
        MessagingClient messaging = new MessagingClient(address, new AzureSasCredential(SasSigner.sign(
                service.primaryKey(), address, Instant.now().plusSeconds(600).getEpochSecond(), service.name())),
                IotHubServiceClientProtocol.AMQPS, MessagingClientOptions.builder()
                        .sslContext(TrustedCa.trustingOnly(dataDirectory.resolve("ca.pem"))).build());
        messaging.open();
        Message message = new Message("kept across a crash");
        message.setMessageId("crash-1");
        try {
            messaging.send("crash-device", message);
        } finally {
            hubProcess.kill();
            messaging.close();
        }

        hub.start();
        assertThat(receiveOne("crash-device")).isEqualTo("crash-1 kept across a crash");
    }

    /** Connects the device over MQTT and waits for its first cloud-to-device message: "id body". */
    private String receiveOne(String deviceId) throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.MQTT);
        device.setMessageCallback((message, context) -> {
            received.add(message.getMessageId() + " " + new String(message.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        device.open(false);
        return received.poll(15, TimeUnit.SECONDS);
    }
}
