package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real device SDK on {@code MQTT_WS}: {@code wss://<host>:443/$iothub/websocket}, served by the hub's HTTPS
 * endpoint on port 443 with the same authentication and features as MQTT on 8883.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MqttOverWebSocketsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @Test
    void telemetryArrivesWithItsBodyAndProperties() throws Exception {
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient device = webSocketDevice(hub.registerDevice("ws-sender"));
            device.open(false);
            Message message = new Message("{\"temperature\":31.5}".getBytes(StandardCharsets.UTF_8));
            message.setContentType("application/json");
            message.setProperty("temperatureAlert", "true");

            device.sendEvent(message);

            TelemetryMessage stored = received.poll(10, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.deviceId()).isEqualTo("ws-sender");
            assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":31.5}");
            assertThat(stored.applicationProperties()).containsEntry("temperatureAlert", "true");
            assertThat(stored.systemProperties()).containsEntry("$.ct", "application/json");
        }
    }

    @Test
    void directMethodReachesTheDeviceAndItsAnswerTheCaller() throws Exception {
        DeviceClient device = webSocketDevice(hub.registerDevice("ws-methods"));
        device.open(false);
        device.subscribeToMethods((method, payload, context) ->
                new DirectMethodResponse(200, Map.of("method", method, "payload", payload.getPayloadAsJsonElement())), null);

        var response = hub.methodsClient("service").invoke("ws-methods", "SetTelemetryInterval",
                DirectMethodRequestOptions.builder().payload(10).methodResponseTimeoutSeconds(10).build());

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(JsonParser.parseString(response.getPayloadAsJsonString()))
                .isEqualTo(JsonParser.parseString("{\"method\":\"SetTelemetryInterval\",\"payload\":10}"));
    }

    @Test
    void twinIsReadReportedAndDesiredOverWebSockets() throws Exception {
        String deviceId = hub.registerDevice("ws-twin");
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desiredUpdates = new LinkedBlockingQueue<>();
        DeviceClient device = webSocketDevice(deviceId);
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> desiredUpdates.add(twin), null);
        TwinCollection reported = new TwinCollection();
        reported.put("telemetryInterval", 5);

        ReportedPropertiesUpdateResponse update = TwinRequests.updateReportedProperties(device, reported);
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("telemetryInterval", 7);
        Twin patched = hub.twinClient("service").patch(patch);

        var pushed = desiredUpdates.poll(10, TimeUnit.SECONDS);
        assertThat(pushed).as("desired patch pushed to the device").isNotNull();
        assertThat(pushed.getDesiredProperties().get("telemetryInterval")).isEqualTo(7L);
        assertThat(pushed.getDesiredProperties().getVersion()).isEqualTo(patched.getDesiredProperties().getVersion());
        var deviceView = TwinRequests.getTwin(device);
        assertThat(deviceView.getDesiredProperties().get("telemetryInterval")).isEqualTo(7L);
        assertThat(deviceView.getReportedProperties().get("telemetryInterval")).isEqualTo(5L);
        Twin serviceView = hub.twinClient("service").get(deviceId);
        assertThat(serviceView.getReportedProperties().get("telemetryInterval")).isEqualTo(5L);
        assertThat(serviceView.getReportedProperties().getVersion()).isEqualTo(update.getVersion());
        assertThat(serviceView.getConnectionState()).isEqualTo("CONNECTED");
    }

    @Test
    void aWrongKeyIsRefusedAsUnauthorized() {
        String deviceId = hub.registerDevice("ws-impostor");
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        DeviceClient device = hub.deviceWithConnectionString("HostName=" + hub.hub.hostName() + ";DeviceId=" + deviceId
                + ";SharedAccessKey=" + wrongKey, IotHubClientProtocol.MQTT_WS);

        assertThatThrownBy(() -> device.open(false))
                .isInstanceOf(IotHubClientException.class)
                .satisfies(e -> assertThat(((IotHubClientException) e).getStatusCode())
                        .isEqualTo(IotHubStatusCode.UNAUTHORIZED));
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
    }

    @Test
    void portFourFortyThreeAlsoServesTheRestApiSoAConnectionStringWithoutAPortWorks() throws Exception {
        // The service SDKs' connection strings know no port: they call 443, as IoT Hub's do.
        String token = hub.sasToken("service");
        TwinClient twins = new TwinClient(hub.hub.hostName(), new AzureSasCredential(token));

        assertThat(twins.get("MyJavaDevice").getDeviceId()).isEqualTo("MyJavaDevice");
    }

    private static DeviceClient webSocketDevice(String deviceId) {
        return hub.device(deviceId, IotHubClientProtocol.MQTT_WS);
    }
}
