package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Azure IoT Node.js SDKs from npm, unmodified ({@link NodeSdk}), against the hub: devices over MQTT, MQTT over
 * WebSockets, AMQP and AMQP over WebSockets (telemetry, cloud-to-device, twin and direct methods) and over HTTP
 * (telemetry, single and batched, and a cloud-to-device message polled and completed); modules over both AMQP
 * transports (which open without a SASL layer and authenticate on $cbs alone); a back-end ({@code azure-iothub}'s
 * {@code Client}, AMQP without SASL too) sending a cloud-to-device message and reading its feedback; {@code azure-iothub}
 * raising its typed error for each REST error of the hub; and its twin PATCH with {@code "desired": null} reaching a
 * Node device. The hub serves HTTPS on 443 of its own address, the only port the Node service SDK and the WebSocket
 * and HTTP transports use. One hub for the class: each test uses its own devices.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeSdkEndToEndTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    static NodeSdk node;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().httpsOn443().build();

    @BeforeAll
    static void setUp() {
        node = NodeSdk.installed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Amqp", "AmqpWs", "Mqtt", "MqttWs"})
    void aNodeDeviceSendsTelemetryAndReceivesACloudToDeviceMessage(String transport) throws Exception {
        String deviceId = "node-device-" + transport.toLowerCase();
        hub.registerDevice(deviceId);
        MessagingClient messaging = hub.messagingClient("service");
        com.microsoft.azure.sdk.iot.service.messaging.Message toDevice =
                new com.microsoft.azure.sdk.iot.service.messaging.Message("to node over " + transport);
        toDevice.setProperties(Map.of("a", "1"));
        toDevice.setDeliveryAcknowledgement(com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement.None);
        messaging.send(deviceId, toDevice);
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        NodeSdk.Result result;
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            result = node.run(hub.hub.caCertificateFile(), "device-telemetry-c2d.js",
                    hub.hub.deviceConnectionString(deviceId), SCRIPT_TIMEOUT, transport, "from node over " + transport);
        }

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.output()).contains("c2d: to node over " + transport);
        // Only what the back-end set: no "iothub-ack" for a message that asked for none, as IoT Hub sends it.
        assertThat(printed(result, "c2d properties")).isEqualTo("[{\"key\":\"a\",\"value\":\"1\"}]");
        TelemetryMessage telemetry = stored.poll(10, TimeUnit.SECONDS);
        assertThat(telemetry).as("telemetry stored").isNotNull();
        assertThat(telemetry.deviceId()).isEqualTo(deviceId);
        assertThat(new String(telemetry.body(), StandardCharsets.UTF_8)).isEqualTo("from node over " + transport);
        assertThat(telemetry.applicationProperties()).containsEntry("sentBy", "node-" + transport);
    }

    @Test
    void aNodeDeviceOverHttpSendsTelemetryAndABatchAndCompletesACloudToDeviceMessage() throws Exception {
        String deviceId = "node-device-http";
        hub.registerDevice(deviceId);
        hub.messagingClient("service").send(deviceId,
                new com.microsoft.azure.sdk.iot.service.messaging.Message("to node over Http"));
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        NodeSdk.Result result;
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            result = node.run(hub.hub.caCertificateFile(), "https-device.js", hub.hub.deviceConnectionString(deviceId),
                    SCRIPT_TIMEOUT, "from node over Http");
        }

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.output()).contains("c2d: to node over Http");
        List<TelemetryMessage> telemetry = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TelemetryMessage message = stored.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("telemetry message %d of 3 stored; got %s", i + 1, telemetry).isNotNull();
            telemetry.add(message);
        }
        assertThat(telemetry).extracting(message -> new String(message.body(), StandardCharsets.UTF_8))
                .containsExactly("from node over Http", "from node over Http batch 1", "from node over Http batch 2");
        assertThat(telemetry).extracting(TelemetryMessage::deviceId).containsOnly(deviceId);
        assertThat(telemetry.get(0).applicationProperties()).containsEntry("sentBy", "node-Http");
        assertThat(telemetry.get(0).systemProperties()).containsEntry("$.mid", "from node over Http-single");
        // Completed, not just received: a message taken by GET stays counted while its lock holds.
        assertThat(hub.registryClient("registryRead").getDevice(deviceId).getCloudToDeviceMessageCount())
                .as("cloudToDeviceMessageCount once the device completed its message").isZero();
    }

    @Test
    void aNodeDeviceUploadsAFileAndTheBackEndIsNotified() throws Exception {
        String deviceId = hub.registerDevice("node-uploader");
        java.util.concurrent.LinkedBlockingQueue<com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotification>
                notifications = new java.util.concurrent.LinkedBlockingQueue<>();
        com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient processor =
                new com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient(
                        hub.hub.hostName(), new com.azure.core.credential.AzureSasCredential(hub.sasToken("service")),
                        com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol.AMQPS,
                        notification -> {
                            notifications.add(notification);
                            return com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType.COMPLETE;
                        }, com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClientOptions
                        .builder().sslContext(hub.trustHubCa).build());
        processor.start();
        try {
            NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "file-upload.js",
                    hub.hub.deviceConnectionString(deviceId), SCRIPT_TIMEOUT, "logs/today.txt", "from node");

            assertThat(result.exitCode()).as("%s", result).isZero();
            assertThat(result.output()).contains("uploaded logs/today.txt")
                    .contains("sas for node-uploader/not-uploaded.txt in fileupload").contains("reported failure");
            var notification = notifications.poll(15, TimeUnit.SECONDS);
            assertThat(notification).isNotNull();
            assertThat(notification.getBlobName()).isEqualTo("node-uploader/logs/today.txt");
            assertThat(notification.getBlobSizeInBytes()).isEqualTo("from node".length());
            assertThat(notifications.poll(1, TimeUnit.SECONDS)).as("none for the upload reported failed").isNull();
        } finally {
            processor.stop();
        }
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

    @Test
    void theNodeServiceSdkRaisesItsTypedErrorForEachErrorOfTheHub() {
        NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "registry-errors.js",
                hub.hub.serviceConnectionString("iothubowner"), SCRIPT_TIMEOUT, "node-errors-present", "node-errors-absent");

        assertThat(result.exitCode()).as("%s", result).isZero();
        // The class comes from the HTTP status, except DeviceNotFoundError, which azure-iothub raises only when the
        // body names the code as IoT Hub's does ("ErrorCode:DeviceNotFound;<message>"); the message comes from that
        // body too (otherwise Node shows "Error: " and the raw body).
        String absent = IotHubErrors.deviceNotFound("node-errors-absent").getMessage();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(printed(result, "error get-absent-device")).isEqualTo("DeviceNotFoundError: " + absent);
            softly.assertThat(printed(result, "error twin-of-absent-device")).isEqualTo("DeviceNotFoundError: " + absent);
            softly.assertThat(printed(result, "error method-on-absent-device")).isEqualTo("DeviceNotFoundError: " + absent);
            softly.assertThat(printed(result, "error create-existing-device")).isEqualTo("DeviceAlreadyExistsError: "
                    + IotHubErrors.deviceAlreadyExists("node-errors-present").getMessage());
            softly.assertThat(printed(result, "error twin-update-with-stale-etag"))
                    .startsWith("InvalidEtagError: Precondition failed");
            softly.assertThat(printed(result, "error query-syntax-error")).startsWith("ArgumentError: ").doesNotContain("{");
            // azure-iothub has no class for ModuleNotFound: it raises a bare Error('Not found') for IoT Hub's too.
            softly.assertThat(printed(result, "error get-absent-module")).isEqualTo("Error: Not found");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Amqp", "Mqtt"})
    void aNodeBackEndsDesiredNullPatchRemovesEveryDesiredPropertyAndTheNodeDeviceGetsEachAsNull(String transport) {
        NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "twin-desired-null.js",
                hub.hub.serviceConnectionString("iothubowner"), SCRIPT_TIMEOUT, transport,
                "node-desired-null-" + transport.toLowerCase());

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.output()).as("the hub answers the device's request for desired patches")
                .contains("desired updates enabled");
        JsonObject before = json(printed(result, "service desired before"));
        assertThat(before.keySet()).containsExactlyInAnyOrder("interval", "mode", "$version");
        JsonObject after = json(printed(result, "service desired after"));
        assertThat(after.keySet()).as("%s", result).containsExactly("$version");
        long version = after.get("$version").getAsLong();
        assertThat(version).isGreaterThan(before.get("$version").getAsLong());
        assertThat(printed(result, "device got")).as("%s", result).isNotEqualTo("none");
        assertThat(json(printed(result, "device got")))
                .isEqualTo(json("{\"interval\":null,\"mode\":null,\"$version\":" + version + "}"));
        assertThat(json(printed(result, "device desired after"))).isEqualTo(json("{\"$version\":" + version + "}"));
    }

    /** The rest of the line a script printed as {@code label: rest}; fails with the whole output when there is none. */
    private static String printed(NodeSdk.Result result, String label) {
        return result.output().lines().filter(line -> line.startsWith(label + ": ")).findFirst()
                .map(line -> line.substring(label.length() + 2))
                .orElseGet(() -> fail("the script printed no '" + label + ": ' line; " + result));
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
