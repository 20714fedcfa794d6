package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real ModuleClient on {@code MQTT_WS} and {@code AMQPS_WS} (port 443, as the SDK always uses): telemetry marked
 * with its module id, a direct method on the module, and its twin, the same as over MQTT on 8883 and AMQP on 5671.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ModuleClientOverWebSocketsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT_WS", "AMQPS_WS"})
    void moduleTelemetryArrivesWithItsModuleId(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("ws-plant", protocol);
        hub.registerModule(deviceId, "thermometer");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            ModuleClient module = hub.module(deviceId, "thermometer", protocol);
            module.open(false);

            module.sendEvent(new Message("{\"temperature\":19}"));

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(deviceId);
            assertThat(arrived.moduleId()).isEqualTo("thermometer");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":19}");
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT_WS", "AMQPS_WS"})
    void moduleAnswersItsDirectMethodAndGetsItsDesiredProperties(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("ws-line", protocol);
        hub.registerModule(deviceId, "valve");
        ModuleClient module = hub.module(deviceId, "valve", protocol);
        module.open(false);
        module.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("name", name)), null);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> pushed = new LinkedBlockingQueue<>();
        module.subscribeToDesiredProperties((twin, context) -> pushed.add(twin), null);

        var answer = hub.methodsClient("service").invoke(deviceId, "valve", "close",
                DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).build());
        Twin patch = new Twin(deviceId, "valve");
        patch.getDesiredProperties().put("limit", 3);
        hub.twinClient("service").patch(patch);
        TwinCollection reported = new TwinCollection();
        reported.put("closed", true);
        TwinRequests.updateReportedProperties(module, reported);

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("name").getAsString()).isEqualTo("close");
        var update = pushed.poll(10, TimeUnit.SECONDS);
        assertThat(update).isNotNull();
        assertThat(((Number) update.getDesiredProperties().get("limit")).intValue()).isEqualTo(3);
        assertThat(hub.twinClient("service").get(deviceId, "valve").getReportedProperties().get("closed"))
                .isEqualTo(true);
    }
}
