package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --telemetry-durability FULL} (stored by the commit thread, flushed to the disk before the
 * acknowledgement) the real device SDK's messages, over MQTT and AMQP, are acknowledged and kept across a restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TelemetryFullDurabilityTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);

    @TempDir
    Path dataDirectory;

    private LocalHub.Builder fullDurability() {
        return LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).httpsPort(0).webSocketPort(0)
                .telemetryDurability(TelemetryDurability.FULL);
    }

    @Test
    void acknowledgedMessagesOverBothProtocolsAreKeptAcrossARestart() throws Exception {
        try (TestHub hub = new TestHub(fullDurability())) {
            String deviceId = hub.registerDevice("durable-device");
            for (IotHubClientProtocol protocol : new IotHubClientProtocol[] {IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS}) {
                DeviceClient device = hub.device(deviceId, protocol);
                device.open(false);
                for (int i = 1; i <= 5; i++) {
                    device.sendEvent(new Message(protocol + "-" + i)); // returns once acknowledged
                }
                device.close();
            }
        }

        try (TestHub restarted = new TestHub(fullDurability())) {
            assertThat(restarted.hub.telemetry().storedAfter(0, 100))
                    .extracting(message -> new String(message.body(), StandardCharsets.UTF_8))
                    .containsExactly("MQTT-1", "MQTT-2", "MQTT-3", "MQTT-4", "MQTT-5",
                            "AMQPS-1", "AMQPS-2", "AMQPS-3", "AMQPS-4", "AMQPS-5");
            assertThat(restarted.hub.telemetry().storedAfter(0, 100)).extracting(TelemetryMessage::deviceId)
                    .containsOnly("durable-device");
        }
    }
}
