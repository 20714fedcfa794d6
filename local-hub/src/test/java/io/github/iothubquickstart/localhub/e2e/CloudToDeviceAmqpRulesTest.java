package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may use the hub's cloud-to-device nodes over AMQP, and what they may send, with a raw AMQP client: only a token
 * of a policy with ServiceConnect attaches to {@code /messages/devicebound} and the feedback node, only while the
 * token holds; a message without a valid {@code to} is rejected as IoT Hub does; a device reaches only its own
 * devicebound address.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloudToDeviceAmqpRulesTest {
    private static final String DEVICEBOUND = "/messages/devicebound";
    private static final String FEEDBACK = "/messages/servicebound/feedback";

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
    void aServiceTokenAttachesAndAMessageToADeviceIsAccepted() throws Exception {
        raw.device("rules-target");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 600))).isEqualTo(200);
            RawAmqpDevices.Link link = client.attachSender(DEVICEBOUND);

            assertThat(client.send(link, message("/devices/rules-target/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
            assertThat(link.closedWith(200)).as("the link stays open").isNull();
        }
    }

    @Test
    void aMessageWithoutToOrWithAnotherAddressIsRejectedWithIotHubsArgumentError() throws Exception {
        raw.device("rules-target");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 600))).isEqualTo(200);
            RawAmqpDevices.Link link = client.attachSender(DEVICEBOUND);

            assertThat(condition(client.send(link, message(null)))).isEqualTo("com.microsoft:argument-error");
            assertThat(condition(client.send(link, message("/devices/rules-target/messages/events"))))
                    .isEqualTo("com.microsoft:argument-error");
            // Modules have queues of their own (MessagingClient.send(deviceId, moduleId, ...)): an unknown one is not found.
            assertThat(condition(client.send(link, message("/devices/rules-target/modules/m/messages/devicebound"))))
                    .isEqualTo("amqp:not-found");
            Message badAck = message("/devices/rules-target/messages/devicebound");
            badAck.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "sometimes")));
            assertThat(condition(client.send(link, badAck))).isEqualTo("com.microsoft:argument-error");
            assertThat(condition(client.send(link, message("/devices/nobody/messages/devicebound"))))
                    .isEqualTo("amqp:not-found");
            // Refusals are per message: the link still takes a good one.
            assertThat(client.send(link, message("/devices/rules-target/messages/devicebound")))
                    .isInstanceOf(Accepted.class);
        }
    }

    @Test
    void aDeviceTokenDoesNotOpenTheServiceNodes() throws Exception {
        DeviceIdentity device = raw.device("rules-device");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600))).isEqualTo(200);

            assertThat(client.attachSender(DEVICEBOUND).closedWith(5_000)).isEqualTo("amqp:unauthorized-access");
            assertThat(conditionOf(client.attachReceiver(FEEDBACK))).isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aPolicyWithoutServiceConnectDoesNotOpenTheServiceNodes() throws Exception {
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("registryRead", 600))).isEqualTo(200);

            assertThat(client.attachSender(DEVICEBOUND).closedWith(5_000)).isEqualTo("amqp:unauthorized-access");
            assertThat(conditionOf(client.attachReceiver(FEEDBACK))).isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void theServiceLinksCloseWhenTheTokenExpires() throws Exception {
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 3))).isEqualTo(200);
            RawAmqpDevices.Link devicebound = client.attachSender(DEVICEBOUND);
            CompletableFuture<ErrorCondition> feedback = client.attachReceiver(FEEDBACK);
            assertThat(devicebound.closedWith(200)).as("open while the token holds").isNull();

            assertThat(devicebound.closedWith(10_000)).isEqualTo("amqp:unauthorized-access");
            assertThat(conditionOf(feedback)).isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aDeviceCannotReceiveAnotherDevicesCloudToDeviceMessages() throws Exception {
        DeviceIdentity attacker = raw.device("rules-attacker");
        raw.device("rules-victim");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(attacker.deviceId()), raw.token(attacker, 600))).isEqualTo(200);

            assertThat(conditionOf(client.attachReceiver("/devices/rules-victim/messages/devicebound")))
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void feedbackABackEndTookButDidNotSettleComesAgainToTheNextOne() throws Exception {
        raw.device("rules-feedback");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 600))).isEqualTo(200);
            Message full = message("/devices/rules-feedback/messages/devicebound");
            full.setMessageId("purged-with-feedback");
            full.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", "full")));
            assertThat(client.send(client.attachSender(DEVICEBOUND), full)).isInstanceOf(Accepted.class);
            assertThat(new ServiceHttp(hub).delete("/devices/rules-feedback/commands", "service").statusCode())
                    .isEqualTo(200);

            RawAmqpDevices.Receiving first = client.receive(FEEDBACK);
            Message batch = first.messages.poll(10, TimeUnit.SECONDS);
            assertThat(batch).as("a feedback batch").isNotNull();
            assertThat(batch.getContentType()).isEqualTo("application/vnd.microsoft.iothub.feedback.json");
            assertThat(feedbackJson(batch)).contains("\"originalMessageId\":\"purged-with-feedback\"")
                    .contains("\"statusCode\":\"Purged\"").contains("\"deviceId\":\"rules-feedback\"");
            client.close(first);

            RawAmqpDevices.Receiving second = client.receive(FEEDBACK);
            Message again = second.messages.poll(10, TimeUnit.SECONDS);
            assertThat(again).as("the unsettled batch comes again").isNotNull();
            assertThat(feedbackJson(again)).isEqualTo(feedbackJson(batch));
        }
    }

    private static String feedbackJson(Message batch) {
        Binary body = ((Data) batch.getBody()).getValue();
        return new String(body.getArray(), body.getArrayOffset(), body.getLength(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Message message(String to) {
        Message message = Message.Factory.create();
        message.setMessageId("rules-" + System.nanoTime());
        if (to != null) {
            message.setAddress(to);
        }
        message.setBody(new Data(new Binary("hello".getBytes())));
        return message;
    }

    private static String condition(DeliveryState state) {
        assertThat(state).isInstanceOf(Rejected.class);
        return ((Rejected) state).getError().getCondition().toString();
    }

    private static String conditionOf(CompletableFuture<ErrorCondition> closed) throws Exception {
        ErrorCondition condition = closed.get(10, TimeUnit.SECONDS);
        return condition == null ? "(none)" : condition.getCondition().toString();
    }
}
