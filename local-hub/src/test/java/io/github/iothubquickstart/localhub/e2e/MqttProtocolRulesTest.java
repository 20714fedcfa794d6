package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IoT Hub's MQTT rules, checked with a plain MQTT client that can break them on purpose: what a device may
 * subscribe to and publish on, refused credentials, QoS 2, and one connection per device.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttProtocolRulesTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
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
    void iotHubFiltersAreGrantedAndOthersGetFailureCodes() throws Exception {
        MqttClient client = connect(device("subscriber"), password(device("subscriber")));
        CompletableFuture<MqttSubAckMessage> subAck = new CompletableFuture<>();
        client.subscribeCompletionHandler(subAck::complete);

        client.subscribe(java.util.Map.of(
                "$iothub/methods/POST/#", 1,
                "devices/other/messages/devicebound/#", 1,
                "#", 0)).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        List<Integer> granted = subAck.get(5, TimeUnit.SECONDS).grantedQoSLevels();
        assertThat(granted).containsExactlyInAnyOrder(1, 0x80, 0x80);
        client.disconnect();
    }

    @Test
    void packetsSentRightAfterConnectAreServedOnceItIsAccepted() throws Exception {
        // MQTT 3.1.1 (3.2) lets a client send on without waiting for the CONNACK. The CONNECT of a device that
        // announces a model id is answered only once the model id is stored (off the event loop): what came behind
        // it was dropped, and the connection closed, before the hub held it until the CONNACK.
        DeviceIdentity device = device("pipelining");
        byte[] connectSubscribePublish = concat(
                MqttFuzzTest.connectPacket(device.deviceId(),
                        devices.username(device.deviceId()) + "&model-id=dtmi:com:example:Thermostat;1", password(device)),
                MqttFuzzTest.subscribePacket("$iothub/methods/POST/#", 2),
                MqttFuzzTest.publishPacket("devices/pipelining/messages/events/",
                        "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8), 1, 3));

        try (SSLSocket socket = devices.openTls()) {
            socket.getOutputStream().write(connectSubscribePublish);
            InputStream fromHub = socket.getInputStream();

            assertThat(ReceivedMqttPacket.read(fromHub)).satisfies(connack -> {
                assertThat(connack.type()).isEqualTo(ReceivedMqttPacket.CONNACK);
                assertThat(connack.body()).as("return code").containsExactly(0, 0);
            });
            assertThat(ReceivedMqttPacket.read(fromHub)).satisfies(subAck -> {
                assertThat(subAck.type()).isEqualTo(ReceivedMqttPacket.SUBACK);
                assertThat(subAck.packetId()).isEqualTo(2);
                assertThat(subAck.body()[2]).as("granted QoS").isEqualTo((byte) 1);
            });
            assertThat(ReceivedMqttPacket.read(fromHub)).satisfies(pubAck -> {
                assertThat(pubAck.type()).isEqualTo(ReceivedMqttPacket.PUBACK);
                assertThat(pubAck.packetId()).isEqualTo(3);
            });
        }
    }

    @Test
    void packetsBehindOneThatClosedTheConnectionAreDroppedQuietly() throws Exception {
        DeviceIdentity device = device("behind-a-refused-packet");
        byte[] telemetry = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] forbiddenThenMore = concat(
                MqttFuzzTest.connectPacket(device.deviceId(), devices.username(device.deviceId()), password(device)),
                MqttFuzzTest.publishPacket("devices/someone-else/messages/events/", telemetry, 1, 1),
                MqttFuzzTest.publishPacket("devices/behind-a-refused-packet/messages/events/", telemetry, 1, 2),
                MqttFuzzTest.subscribePacket("$iothub/methods/POST/#", 3));

        String log = HubLogCapture.during(() -> {
            try (SSLSocket socket = devices.openTls()) {
                socket.getOutputStream().write(forbiddenThenMore);
                InputStream fromHub = socket.getInputStream();
                assertThat(ReceivedMqttPacket.read(fromHub).type()).isEqualTo(ReceivedMqttPacket.CONNACK);
                assertThat(fromHub.read()).as("closed after the forbidden PUBLISH, nothing answered").isEqualTo(-1);
            }
        });

        // vertx-mqtt threw on each packet behind the one that closed the connection: an ERROR with its stack trace.
        assertThat(log).doesNotContain("ERROR");
    }

    @Test
    void wrongPasswordIsConnackNotAuthorized() {
        DeviceIdentity device = device("refused");
        String forged = SasSigner.sign(java.util.Base64.getEncoder().encodeToString(new byte[32]),
                hub.address() + "/devices/" + device.deviceId(), Instant.now().plusSeconds(600).getEpochSecond(), null);

        assertThatThrownBy(() -> connect(device, forged))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(MqttConnectionException.class,
                        e -> assertThat(e.code()).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED));
    }

    @Test
    void publishingOnAnotherDevicesTopicClosesTheConnection() throws Exception {
        assertClosedAfterPublishing("devices/someone-else/messages/events/", MqttQoS.AT_LEAST_ONCE);
    }

    @Test
    void publishingAMethodRequestAsADeviceClosesTheConnection() throws Exception {
        assertClosedAfterPublishing("$iothub/methods/POST/reboot/?$rid=1", MqttQoS.AT_MOST_ONCE);
    }

    @Test
    void qos2IsRefusedByClosingTheConnection() throws Exception {
        DeviceIdentity device = device("qos2");
        assertClosedAfterPublishing(device, "devices/" + device.deviceId() + "/messages/events/", MqttQoS.EXACTLY_ONCE);
    }

    @Test
    void aSecondConnectionWithTheSameDeviceIdClosesTheFirst() throws Exception {
        DeviceIdentity device = device("twice");
        MqttClient first = connect(device, password(device));
        CompletableFuture<Void> firstClosed = new CompletableFuture<>();
        first.closeHandler(ignored -> firstClosed.complete(null));

        MqttClient second = connect(device, password(device));

        firstClosed.get(5, TimeUnit.SECONDS);
        assertThat(second.isConnected()).isTrue();
        assertThat(hub.hub.isDeviceConnected(device.deviceId())).isTrue();
        second.disconnect();
    }

    @Test
    void telemetryOnTheDevicesOwnTopicIsAcknowledged() throws Exception {
        DeviceIdentity device = device("publisher");
        MqttClient client = connect(device, password(device));
        CompletableFuture<Integer> acked = new CompletableFuture<>();
        client.publishCompletionHandler(acked::complete);

        int packetId = client.publish("devices/" + device.deviceId() + "/messages/events/a=1",
                        Buffer.buffer("{}"), MqttQoS.AT_LEAST_ONCE, false, false)
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(acked.get(5, TimeUnit.SECONDS)).isEqualTo(packetId);
        client.disconnect();
    }

    private void assertClosedAfterPublishing(String topic, MqttQoS qos) throws Exception {
        assertClosedAfterPublishing(device("publisher-" + Math.abs(topic.hashCode())), topic, qos);
    }

    private void assertClosedAfterPublishing(DeviceIdentity device, String topic, MqttQoS qos) throws Exception {
        MqttClient client = connect(device, password(device));
        CompletableFuture<Void> closed = new CompletableFuture<>();
        client.closeHandler(ignored -> closed.complete(null));

        client.publish(topic, Buffer.buffer("{}"), qos, false, false);

        closed.get(5, TimeUnit.SECONDS);
        assertNotConnectedWithin5Seconds(device.deviceId());
    }

    /** The client sees the close before the hub's own close handler has run; give that a bounded moment. */
    private static void assertNotConnectedWithin5Seconds(String deviceId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.hub.isDeviceConnected(deviceId) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
    }

    private static DeviceIdentity device(String deviceId) {
        return devices.device(deviceId);
    }

    private static String password(DeviceIdentity device) {
        return devices.password(device);
    }

    private static MqttClient connect(DeviceIdentity device, String password) throws Exception {
        return devices.connect(device.deviceId(), devices.username(device.deviceId()), password);
    }
}
