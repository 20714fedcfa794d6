package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code --telemetry-durability FULL} (stored by the commit thread, flushed to the disk before the
 * acknowledgement) the real device SDK's messages, over MQTT and AMQP, are acknowledged and kept across a restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TelemetryFullDurabilityTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.telemetryDurability(TelemetryDurability.FULL)).build();

    @Test
    void acknowledgedMessagesOverBothProtocolsAreKeptAcrossARestart() throws Exception {
        String deviceId = hub.registerDevice("durable-device");
        for (IotHubClientProtocol protocol : new IotHubClientProtocol[] {IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS}) {
            DeviceClient device = hub.device(deviceId, protocol);
            device.open(false);
            for (int i = 1; i <= 5; i++) {
                device.sendEvent(new Message(protocol + "-" + i)); // returns once acknowledged
            }
            device.close();
        }

        hub.restart();

        assertThat(hub.hub.telemetry().storedAfter(0, 100))
                .extracting(message -> new String(message.body(), StandardCharsets.UTF_8))
                .containsExactly("MQTT-1", "MQTT-2", "MQTT-3", "MQTT-4", "MQTT-5",
                        "AMQPS-1", "AMQPS-2", "AMQPS-3", "AMQPS-4", "AMQPS-5");
        assertThat(hub.hub.telemetry().storedAfter(0, 100)).extracting(TelemetryMessage::deviceId)
                .containsOnly("durable-device");
    }
}
