package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real device SDK on {@code AMQPS_WS}: {@code wss://<host>:443/$iothub/websocket} with the subprotocol
 * {@code AMQPWSB10}, on the same port and path as {@code MQTT_WS}. (Methods, twins and authentication on AMQPS_WS:
 * the device end-to-end tests run once more on it, execution devices-over-amqps-ws in local-hub/pom.xml.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AmqpOverWebSocketsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @Test
    void devicesOnAmqpsWsAndMqttWsShareTheWebSocketPort() throws Exception {
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient amqp = hub.device(hub.registerDevice("ws-amqp-sender"), IotHubClientProtocol.AMQPS_WS);
            DeviceClient mqtt = hub.device(hub.registerDevice("ws-mqtt-sender"), IotHubClientProtocol.MQTT_WS);
            amqp.open(false);
            mqtt.open(false);

            amqp.sendEvent(new Message("{\"over\":\"amqp\"}".getBytes(StandardCharsets.UTF_8)));
            mqtt.sendEvent(new Message("{\"over\":\"mqtt\"}".getBytes(StandardCharsets.UTF_8)));

            Map<String, String> bodies = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                TelemetryMessage stored = received.poll(10, TimeUnit.SECONDS);
                assertThat(stored).isNotNull();
                bodies.put(stored.deviceId(), new String(stored.body(), StandardCharsets.UTF_8));
            }
            assertThat(bodies).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "ws-amqp-sender", "{\"over\":\"amqp\"}", "ws-mqtt-sender", "{\"over\":\"mqtt\"}"));
        }
    }

    @Test
    void aMessageNearIotHubsSizeLimitArrivesWhole() throws Exception {
        // Many WebSocket frames (the SDK writes at most 4 KB in each) and several AMQP frames (64 KB at most).
        byte[] body = new byte[250 * 1024];
        Arrays.fill(body, (byte) 'x');
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient device = hub.device(hub.registerDevice("ws-amqp-large"), IotHubClientProtocol.AMQPS_WS);
            device.open(false);

            device.sendEvent(new Message(body));

            TelemetryMessage stored = received.poll(20, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.body()).isEqualTo(body);
        }
    }

    @Test
    void aMethodRequestNearIotHubsPayloadLimitReachesTheDeviceAndItsAnswerTheCaller() throws Exception {
        // Hub to device: a request the hub must split into many AMQP frames (the SDK takes at most 4 KB each).
        String large = "y".repeat(120 * 1024);
        DeviceClient device = hub.device(hub.registerDevice("ws-amqp-methods"), IotHubClientProtocol.AMQPS_WS);
        device.open(false);
        device.subscribeToMethods((method, payload, context) -> new DirectMethodResponse(200,
                Map.of("length", payload.getPayloadAsJsonElement().getAsString().length())), null);

        var response = hub.methodsClient("service").invoke("ws-amqp-methods", "Echo",
                DirectMethodRequestOptions.builder().payload(large).methodResponseTimeoutSeconds(20).build());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(JsonParser.parseString(response.getPayloadAsJsonString()))
                .isEqualTo(JsonParser.parseString("{\"length\":" + large.length() + "}"));
    }
}
