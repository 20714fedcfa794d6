package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Devices over AMQP (AMQPS on 5671): the real device SDK's telemetry arrives whole, its direct methods and twin
 * work, a wrong key is refused, and a connection reaches only the addresses of the device its token is for.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AmqpDevicesEndToEndTest {
    private static final String WRONG_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    /** The device SDK opens AMQPS on 5671 and nowhere else. */
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawAmqpDevices raw;

    @BeforeAll
    static void setUp() {
        raw = new RawAmqpDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        raw.close();
    }

    @Test
    void hubListensForAmqpOn5671() {
        assertThat(hub.hub.amqpPort()).isEqualTo(5671);
    }

    @Test
    void telemetryFromTheDeviceSdkOverAmqpArrivesWithItsBodyAndProperties() throws Exception {
        String deviceId = hub.registerDevice("amqp-device");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient device = hub.device(deviceId, IotHubClientProtocol.AMQPS);
            device.open(false);
            assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();

            Message message = new Message("{\"temperature\":31.5}".getBytes(StandardCharsets.UTF_8));
            message.setContentType("application/json");
            message.setContentEncoding("utf-8");
            message.setCorrelationId("correlation-7");
            message.setProperty("temperatureAlert", "true");
            message.setProperty("note", "a b+c&d=e");
            device.sendEvent(message);

            TelemetryMessage stored = received.poll(10, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.deviceId()).isEqualTo(deviceId);
            assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":31.5}");
            assertThat(stored.applicationProperties())
                    .containsEntry("temperatureAlert", "true")
                    .containsEntry("note", "a b+c&d=e");
            assertThat(stored.systemProperties())
                    .containsEntry("$.ct", "application/json")
                    .containsEntry("$.ce", "utf-8")
                    .containsEntry("$.cid", "correlation-7")
                    .containsEntry("$.mid", message.getMessageId())
                    .containsEntry("$.cdid", deviceId);

            device.close();
            // The SDK's close returns once it sent its close frames, not once the hub has read them.
            waitUntilDisconnected(deviceId);
        }
    }

    @Test
    void aDirectMethodReachesTheDeviceSdkOverAmqpAndItsAnswerReachesTheCaller() throws Exception {
        String deviceId = hub.registerDevice("amqp-methods");
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.AMQPS);
        device.open(false);
        AtomicReference<String> seen = new AtomicReference<>();
        device.subscribeToMethods((name, payload, context) -> {
            seen.set(name + " " + payload.getPayloadAsJsonString());
            return new DirectMethodResponse(201, Map.of("done", true));
        }, null);

        var response = hub.methodsClient("service").invoke(deviceId, "SetTelemetryInterval",
                DirectMethodRequestOptions.builder().payload(Map.of("interval", 5))
                        .methodResponseTimeoutSeconds(30).methodConnectTimeoutSeconds(5).build());

        assertThat(seen.get()).isEqualTo("SetTelemetryInterval {\"interval\":5}");
        assertThat(response.getStatus()).isEqualTo(201);
        assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"done\":true}");
    }

    @Test
    void theDeviceSdksTwinWorksOverAmqp() throws Exception {
        String deviceId = hub.registerDevice("amqp-twin");
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.AMQPS);
        device.open(false);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        device.subscribeToDesiredProperties((twin, context) -> updates.add(twin), null);

        TwinCollection reported = new TwinCollection();
        reported.put("telemetryInterval", 5);
        int reportedVersion = TwinRequests.updateReportedProperties(device, reported).getVersion();
        TwinClient twins = hub.twinClient("service");
        assertThat(twins.get(deviceId).getReportedProperties().get("telemetryInterval")).isEqualTo(5L);
        assertThat(twins.get(deviceId).getReportedProperties().getVersion()).isEqualTo(reportedVersion);

        com.microsoft.azure.sdk.iot.service.twin.Twin patch = new com.microsoft.azure.sdk.iot.service.twin.Twin(deviceId);
        patch.getDesiredProperties().put("telemetryInterval", 3);
        int desiredVersion = twins.patch(patch).getDesiredProperties().getVersion();
        com.microsoft.azure.sdk.iot.device.twin.Twin update = updates.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("desired properties pushed to the device").isNotNull();
        assertThat(((Number) update.getDesiredProperties().get("telemetryInterval")).intValue()).isEqualTo(3);
        assertThat(update.getDesiredProperties().getVersion()).isEqualTo(desiredVersion);

        com.microsoft.azure.sdk.iot.device.twin.Twin whole = TwinRequests.getTwin(device);
        assertThat(((Number) whole.getDesiredProperties().get("telemetryInterval")).intValue()).isEqualTo(3);
        assertThat(((Number) whole.getReportedProperties().get("telemetryInterval")).intValue()).isEqualTo(5);

        TwinCollection stale = new TwinCollection();
        stale.put("telemetryInterval", 7);
        stale.setVersion(reportedVersion - 1);
        assertThatThrownBy(() -> TwinRequests.updateReportedProperties(device, stale))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.PRECONDITION_FAILED));
    }

    @Test
    void deviceWithTheWrongKeyIsRefusedAndNotConnected() {
        String deviceId = hub.registerDevice("amqp-wrong-key");
        DeviceClient device = hub.deviceWithConnectionString(
                "HostName=" + hub.address() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + WRONG_KEY, IotHubClientProtocol.AMQPS);

        assertThatThrownBy(() -> device.open(false))
                .isInstanceOf(IotHubClientException.class)
                .satisfies(e -> assertThat(((IotHubClientException) e).getStatusCode())
                        .isEqualTo(IotHubStatusCode.UNAUTHORIZED));
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
    }

    @Test
    void aConnectionCannotSendAsAnotherDevice() throws Exception {
        DeviceIdentity attacker = raw.device("amqp-attacker");
        raw.device("amqp-victim");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add);
             RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(attacker.deviceId()), raw.token(attacker, 600))).isEqualTo(200);

            RawAmqpDevices.Link victims = client.attachSender("/devices/amqp-victim/messages/events");
            assertThat(victims.closedWith(5_000)).isEqualTo("amqp:unauthorized-access");

            // A token signed by the attacker's key does not become the victim's, whatever the audience says.
            assertThat(client.putToken(raw.audience("amqp-victim"), raw.token(attacker, 600))).isEqualTo(401);
            RawAmqpDevices.Link stillRefused = client.attachSender("/devices/amqp-victim/messages/events");
            assertThat(stillRefused.closedWith(5_000)).isEqualTo("amqp:unauthorized-access");

            RawAmqpDevices.Link own = client.attachSender("/devices/amqp-attacker/messages/events");
            assertThat(client.send(own, telemetry("own"))).isInstanceOf(Accepted.class);
            TelemetryMessage stored = received.poll(10, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.deviceId()).isEqualTo("amqp-attacker");
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("nothing stored for the victim").isNull();
        }
    }

    @Test
    void aConnectionWithoutAValidTokenGetsNothing() throws Exception {
        DeviceIdentity device = raw.device("amqp-no-token");
        try (RawAmqpDevices.Client client = raw.connect()) {
            RawAmqpDevices.Link before = client.attachSender("/devices/amqp-no-token/messages/events");
            assertThat(before.closedWith(5_000)).isEqualTo("amqp:unauthorized-access");

            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, -60))).isEqualTo(401);
            assertThat(client.putToken(raw.audience(device.deviceId()), "SharedAccessSignature sr=nonsense")).isEqualTo(401);
            RawAmqpDevices.Link after = client.attachSender("/devices/amqp-no-token/messages/events");
            assertThat(after.closedWith(5_000)).isEqualTo("amqp:unauthorized-access");
            assertThat(hub.hub.isDeviceConnected(device.deviceId())).isFalse();
        }
    }

    @Test
    void unknownAddressesAndUnservedNodesAreRefusedWithIotHubsConditions() throws Exception {
        DeviceIdentity device = raw.device("amqp-explorer");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600))).isEqualTo(200);

            assertThat(client.attachSender("/devices/amqp-explorer/nowhere").closedWith(5_000)).isEqualTo("amqp:not-found");
            assertThat(client.attachSender("/messages/serviceBound/nowhere").closedWith(5_000)).isEqualTo("amqp:not-found");
            assertThat(client.attachReceiver("/messages/serviceBound/filenotifications").get(5, TimeUnit.SECONDS)
                    .getCondition().toString()).as("a device's token is no ServiceConnect")
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.attachSender("/devices/amqp-explorer/modules/m1/messages/events").closedWith(5_000))
                    .as("a device's token does not grant its modules").isEqualTo("amqp:unauthorized-access");
            // The connection and the device's own telemetry link are unaffected.
            RawAmqpDevices.Link own = client.attachSender("/devices/amqp-explorer/messages/events");
            assertThat(client.send(own, telemetry("still fine"))).isInstanceOf(Accepted.class);
        }
    }

    @Test
    void anOversizedMessageIsRejectedAndNotStored() throws Exception {
        DeviceIdentity device = raw.device("amqp-big");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add);
             RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600))).isEqualTo(200);
            RawAmqpDevices.Link link = client.attachSender("/devices/amqp-big/messages/events");

            org.apache.qpid.proton.message.Message big = org.apache.qpid.proton.message.Message.Factory.create();
            big.setBody(new Data(new Binary(new byte[256 * 1024 + 1])));
            DeliveryState state = client.send(link, big);

            assertThat(state).isInstanceOf(Rejected.class);
            assertThat(((Rejected) state).getError().getCondition().toString()).isEqualTo("amqp:link:message-size-exceeded");
            assertThat(client.send(link, telemetry("small"))).isInstanceOf(Accepted.class);
            TelemetryMessage stored = received.poll(10, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("small");
        }
    }

    @Test
    void linksCloseWhenTheTokenExpiresAndARenewedTokenKeepsThemOpen() throws Exception {
        DeviceIdentity renewing = raw.device("amqp-renewing");
        DeviceIdentity expiring = raw.device("amqp-expiring");
        try (RawAmqpDevices.Client renewer = raw.connect(); RawAmqpDevices.Client expirer = raw.connect()) {
            assertThat(renewer.putToken(raw.audience(renewing.deviceId()), raw.token(renewing, 3))).isEqualTo(200);
            assertThat(expirer.putToken(raw.audience(expiring.deviceId()), raw.token(expiring, 3))).isEqualTo(200);
            RawAmqpDevices.Link renewed = renewer.attachSender("/devices/amqp-renewing/messages/events");
            RawAmqpDevices.Link expired = expirer.attachSender("/devices/amqp-expiring/messages/events");

            assertThat(renewer.putToken(raw.audience(renewing.deviceId()), raw.token(renewing, 600))).isEqualTo(200);

            assertThat(expired.closedWith(6_000)).isEqualTo("amqp:unauthorized-access");
            assertThat(hub.hub.isDeviceConnected(expiring.deviceId())).isFalse();
            assertThat(renewed.closedWith(500)).as("the renewed device's link stays open").isNull();
            assertThat(renewer.send(renewed, telemetry("after renewal"))).isInstanceOf(Accepted.class);
        }
    }

    private static void waitUntilDisconnected(String deviceId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.hub.isDeviceConnected(deviceId) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hub.hub.isDeviceConnected(deviceId)).as(deviceId + " disconnected").isFalse();
    }

    private static org.apache.qpid.proton.message.Message telemetry(String body) {
        org.apache.qpid.proton.message.Message message = org.apache.qpid.proton.message.Message.Factory.create();
        message.setApplicationProperties(new ApplicationProperties(Map.of("source", "raw")));
        message.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        return message;
    }
}
