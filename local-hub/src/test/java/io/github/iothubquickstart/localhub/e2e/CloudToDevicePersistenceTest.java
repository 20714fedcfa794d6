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
import io.github.iothubquickstart.localhub.LoopbackAddresses;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud-to-device message the hub accepted from a back-end is kept until the device takes it: across a restart of
 * the hub, and across the hub being killed (SIGKILL, no shutdown of any kind).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloudToDevicePersistenceTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);

    @TempDir
    Path dataDirectory;
    private final HubProcess hubProcess = new HubProcess();
    private TestHub hub;

    @AfterEach
    void stopHubs() throws Exception {
        if (hub != null) {
            hub.close();
        }
        hubProcess.stop();
    }

    @Test
    void aQueuedMessageReachesTheDeviceAfterTheHubRestarts() throws Exception {
        hub = new TestHub(ADDRESS, dataDirectory);
        hub.registerDevice("kept-device");
        Message message = new Message("kept across a restart");
        message.setMessageId("kept-1");
        hub.messagingClient("service").send("kept-device", message);
        hub.close();

        hub = new TestHub(ADDRESS, dataDirectory);
        assertThat(receiveOne("kept-device")).isEqualTo("kept-1 kept across a restart");
    }

    @Test
    void anAcceptedMessageSurvivesKillMinus9() throws Exception {
        hubProcess.start(ADDRESS, dataDirectory);
        SharedAccessPolicy service;
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            identity.registry().createDevice("crash-device");
            service = identity.registry().findPolicy("service").orElseThrow();
        }
        MessagingClient messaging = new MessagingClient(ADDRESS, new AzureSasCredential(SasSigner.sign(
                service.primaryKey(), ADDRESS, Instant.now().plusSeconds(600).getEpochSecond(), service.name())),
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

        hub = new TestHub(ADDRESS, dataDirectory);
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
