package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Azure IoT Node.js SDKs from npm, unmodified ({@link NodeSdk}), against the hub: devices over MQTT, AMQP and AMQP
 * over WebSockets (telemetry, cloud-to-device, twin and direct methods) and modules over both AMQP transports (which
 * open without a SASL layer and authenticate on $cbs alone), and a back-end
 * ({@code azure-iothub}'s {@code Client}, AMQP without SASL too) sending a cloud-to-device message and reading its
 * feedback. The hub serves HTTPS on 443 of its own address, the only port the Node service SDK and the WebSocket
 * transports use.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeSdkEndToEndTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDirectory;
    static NodeSdk node;
    static TestHub hub;

    @BeforeAll
    static void start() {
        node = NodeSdk.installed();
        hub = new TestHub(LocalHub.builder().bindAddress(WebSocketPort.loopbackAddressAlsoFreeOn(5671))
                .dataDirectory(dataDirectory).httpsPort(WebSocketPort.PORT).webSocketPort(0));
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Amqp", "AmqpWs", "Mqtt"})
    void aNodeDeviceSendsTelemetryAndReceivesACloudToDeviceMessage(String transport) throws Exception {
        String deviceId = "node-device-" + transport.toLowerCase();
        hub.registerDevice(deviceId);
        MessagingClient messaging = hub.messagingClient("service");
        messaging.send(deviceId, new com.microsoft.azure.sdk.iot.service.messaging.Message("to node over " + transport));
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        NodeSdk.Result result;
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            result = node.run(hub.hub.caCertificateFile(), "device-telemetry-c2d.js",
                    hub.hub.deviceConnectionString(deviceId), SCRIPT_TIMEOUT, transport, "from node over " + transport);
        }

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.output()).contains("c2d: to node over " + transport);
        TelemetryMessage telemetry = stored.poll(10, TimeUnit.SECONDS);
        assertThat(telemetry).as("telemetry stored").isNotNull();
        assertThat(telemetry.deviceId()).isEqualTo(deviceId);
        assertThat(new String(telemetry.body(), StandardCharsets.UTF_8)).isEqualTo("from node over " + transport);
        assertThat(telemetry.applicationProperties()).containsEntry("sentBy", "node-" + transport);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Amqp", "AmqpWs", "Mqtt"})
    void aNodeDeviceReportsOnItsTwinGetsDesiredPropertiesAndAnswersADirectMethod(String transport) throws Exception {
        String deviceId = "node-twin-" + transport.toLowerCase();
        hub.registerDevice(deviceId);
        NodeSdk.Running device = node.start(hub.hub.caCertificateFile(), "device-twin-methods.js",
                hub.hub.deviceConnectionString(deviceId), transport, "reported over " + transport);
        assertThat(device.awaitOutput("reported", SCRIPT_TIMEOUT)).as(() -> "not reported: " + device.finish(Duration.ZERO))
                .isTrue();

        TwinClient twins = hub.twinClient("service");
        assertThat(twins.get(deviceId).getReportedProperties()).containsEntry("node", "reported over " + transport);
        Twin desired = new Twin(deviceId);
        desired.getDesiredProperties().put("color", "blue");
        twins.patch(desired);
        assertThat(device.awaitOutput("\"color\":\"blue\"", SCRIPT_TIMEOUT))
                .as(() -> "desired property not pushed: " + device.finish(Duration.ZERO)).isTrue();
        DirectMethodResponse answer = hub.methodsClient("service").invoke(deviceId, "echo",
                DirectMethodRequestOptions.builder().payload(Map.of("ping", 1)).methodResponseTimeoutSeconds(30).build());

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("ping").getAsInt()).isEqualTo(1);
        NodeSdk.Result result = device.finish(SCRIPT_TIMEOUT);
        assertThat(result.exitCode()).as("%s", result).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Amqp", "AmqpWs"})
    void aNodeModuleSendsTelemetryOverAmqp(String transport) throws Exception {
        String deviceId = "node-module-host-" + transport.toLowerCase();
        hub.registerModule(deviceId, "node-module");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        NodeSdk.Result result;
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            result = node.run(hub.hub.caCertificateFile(), "module-telemetry.js",
                    hub.hub.moduleConnectionString(deviceId, "node-module"), SCRIPT_TIMEOUT, transport,
                    "from a node module over " + transport);
        }

        assertThat(result.exitCode()).as("%s", result).isZero();
        TelemetryMessage telemetry = stored.poll(10, TimeUnit.SECONDS);
        assertThat(telemetry).as("telemetry stored").isNotNull();
        assertThat(telemetry.deviceId()).isEqualTo(deviceId);
        assertThat(telemetry.moduleId()).isEqualTo("node-module");
        assertThat(new String(telemetry.body(), StandardCharsets.UTF_8)).isEqualTo("from a node module over " + transport);
    }

    @Test
    void aNodeBackEndSendsACloudToDeviceMessageOverAmqpAndGetsItsFeedback() throws Exception {
        String deviceId = "node-feedback-target";
        hub.registerDevice(deviceId);
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.MQTT);
        device.setMessageCallback((message, context) -> {
            received.add(new String(message.getBytes(), StandardCharsets.UTF_8));
            return IotHubMessageResult.COMPLETE;
        }, null);
        device.open(false);

        NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "service-c2d-feedback.js",
                hub.hub.serviceConnectionString("service"), SCRIPT_TIMEOUT, deviceId, "from a node back-end");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("from a node back-end");
        assertThat(result.output()).containsPattern("feedback: Success " + deviceId + " node-\\d+");
    }
}
