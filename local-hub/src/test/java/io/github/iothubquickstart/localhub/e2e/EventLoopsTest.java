package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hub told to use several event loops serves devices on all of them: every message a device sends, many in
 * flight at once, is stored and acknowledged, whichever loop its connection landed on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopsTest {
    private static final int DEVICES = 9;
    private static final int MESSAGES_PER_DEVICE = 50;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.eventLoops(3)).build();
    static RawMqttDevices devices;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void everyMessageFromDevicesOnEveryLoopIsStoredAndAcknowledged() throws Exception {
        CountDownLatch acknowledged = new CountDownLatch(DEVICES * MESSAGES_PER_DEVICE);
        List<MqttClient> clients = new ArrayList<>();
        for (int d = 1; d <= DEVICES; d++) {
            DeviceIdentity device = devices.device("loop-device-" + d);
            MqttClient client = devices.connect(new MqttClientOptions().setClientId(device.deviceId())
                    .setUsername(devices.username(device.deviceId())).setPassword(devices.password(device))
                    .setMaxInflightQueue(MESSAGES_PER_DEVICE));
            client.publishCompletionHandler(messageId -> acknowledged.countDown());
            clients.add(client);
        }
        for (int n = 1; n <= MESSAGES_PER_DEVICE; n++) {
            for (int d = 1; d <= DEVICES; d++) {
                // Sent without waiting for the PUBACK, so that commits hold several messages of one device.
                clients.get(d - 1).publish("devices/loop-device-" + d + "/messages/events/",
                        Buffer.buffer("{\"n\":" + n + "}"), MqttQoS.AT_LEAST_ONCE, false, false);
            }
        }

        assertThat(acknowledged.await(30, TimeUnit.SECONDS))
                .as("PUBACKs still missing: %d", acknowledged.getCount()).isTrue();
        List<TelemetryMessage> stored = hub.hub.telemetry().storedAfter(0, DEVICES * MESSAGES_PER_DEVICE + 1);
        Map<String, List<String>> bodiesByDevice = stored.stream().collect(Collectors.groupingBy(
                TelemetryMessage::deviceId, Collectors.mapping(
                        message -> new String(message.body(), StandardCharsets.UTF_8), Collectors.toList())));
        assertThat(bodiesByDevice).hasSize(DEVICES);
        List<String> inOrder = new ArrayList<>();
        for (int n = 1; n <= MESSAGES_PER_DEVICE; n++) {
            inOrder.add("{\"n\":" + n + "}");
        }
        assertThat(bodiesByDevice.values()).allSatisfy(bodies -> assertThat(bodies).isEqualTo(inOrder));
        for (MqttClient client : clients) {
            client.disconnect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNumberOfEventLoopsOutsideOneTo256IsRefused() {
        assertThatThrownBy(() -> LocalHub.builder().eventLoops(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Event loops must be 1 to 256, not 0.");
        assertThatThrownBy(() -> LocalHub.builder().eventLoops(257))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 257");
    }
}
