package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.proton.ProtonDelivery;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lock timeout of cloud-to-device messages, with a device that takes a message over AMQPS or MQTT and does not
 * settle or acknowledge it (raw clients: the device SDK always answers) and a hub whose lock lasts two seconds instead of IoT Hub's
 * minute: the message comes again on the device's link, the late answer to the lapsed delivery settles nothing, and
 * a message never settled is dead-lettered after ten deliveries with the feedback IoT Hub gives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloudToDeviceLockTimeoutTest {
    private static final Duration LOCK = Duration.ofSeconds(2);
    private static final long WAIT_SECONDS = 10;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.cloudToDeviceLockTimeout(LOCK)).build();
    static RawAmqpDevices raw;
    static RawMqttDevices rawMqtt;
    static MessagingClient messaging;
    static RegistryClient registry;
    static final ReceivedFeedback feedback = new ReceivedFeedback();

    @BeforeAll
    static void setUp() throws Exception {
        raw = new RawAmqpDevices(hub.hub);
        rawMqtt = new RawMqttDevices(hub.hub);
        messaging = hub.messagingClient("service");
        registry = hub.registryClient("iothubowner");
        hub.feedbackClient("service", feedback::add);
    }

    @AfterAll
    static void tearDown() throws Exception {
        raw.close();
        rawMqtt.close();
    }

    @Test
    void aMessageTheDeviceHoldsPastTheLockComesAgainAndOnlyTheCurrentDeliveryCompletesIt() throws Exception {
        DeviceIdentity device = raw.device("lock-held");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600))).isEqualTo(200);
            RawAmqpDevices.Receiving receiving = client.receive("/devices/lock-held/messages/devicebound");
            messaging.send(device.deviceId(), message("held-1"));

            Message first = receiving.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(first).as("the first delivery").isNotNull();
            ProtonDelivery firstDelivery = receiving.deliveries.take();
            Message again = receiving.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(again).as("the message again, once its lock lapsed").isNotNull();
            assertThat(again.getMessageId()).isEqualTo("held-1");
            ProtonDelivery secondDelivery = receiving.deliveries.take();

            // The device accepts the lapsed delivery at last: its lock is lost, so the message stays queued, and
            // giving the current delivery back brings it a third time.
            client.settle(firstDelivery, Accepted.getInstance());
            client.settle(secondDelivery, Released.getInstance());
            Message third = receiving.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(third).as("the late accept did not complete the message").isNotNull();
            assertThat(third.getMessageId()).isEqualTo("held-1");
            assertThat(registry.getDevice(device.deviceId()).getCloudToDeviceMessageCount()).isEqualTo(1);
            client.settle(receiving.deliveries.take(), Accepted.getInstance());

            FeedbackRecord record = feedbackFor("held-1");
            assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
            assertThat(registry.getDevice(device.deviceId()).getCloudToDeviceMessageCount()).isZero();
        }
    }

    @Test
    void overMqttAMessageNotAcknowledgedWithinTheLockComesAgainAndALatePubackCompletesNothing() throws Exception {
        DeviceIdentity device = rawMqtt.device("lock-mqtt");
        MqttClientOptions options = new MqttClientOptions().setClientId(device.deviceId())
                .setUsername(rawMqtt.username(device.deviceId())).setPassword(rawMqtt.password(device));
        options.setAutoAck(false);
        MqttClient client = rawMqtt.connect(options);
        LinkedBlockingQueue<MqttPublishMessage> received = new LinkedBlockingQueue<>();
        client.publishHandler(received::add);
        client.subscribe("devices/lock-mqtt/messages/devicebound/#", 1).toCompletionStage().toCompletableFuture()
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        messaging.send(device.deviceId(), message("held-mqtt"));

        MqttPublishMessage first = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(first).as("the first PUBLISH").isNotNull();
        MqttPublishMessage again = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(again).as("a new PUBLISH once the lock lapsed").isNotNull();
        assertThat(again.topicName()).contains("%24.mid=held-mqtt");
        assertThat(again.messageId()).isNotEqualTo(first.messageId());

        // The PUBACK of the lapsed PUBLISH completes nothing: the lock of the second lapses too, and it comes again.
        first.ack();
        MqttPublishMessage third = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(third).as("the late PUBACK did not complete the message").isNotNull();
        assertThat(registry.getDevice(device.deviceId()).getCloudToDeviceMessageCount()).isEqualTo(1);
        third.ack();

        assertThat(feedbackFor("held-mqtt").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
        assertThat(registry.getDevice(device.deviceId()).getCloudToDeviceMessageCount()).isZero();
        client.disconnect();
    }

    @Test
    void aMessageNeverSettledIsDeadLetteredAfterTenDeliveriesWithDeliveryCountExceededFeedback() throws Exception {
        DeviceIdentity device = raw.device("lock-never");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600))).isEqualTo(200);
            RawAmqpDevices.Receiving receiving = client.receive("/devices/lock-never/messages/devicebound");
            messaging.send(device.deviceId(), message("never-settled"));

            for (int delivery = 1; delivery <= 10; delivery++) {
                Message received = receiving.messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(received).as("delivery " + delivery).isNotNull();
                assertThat(received.getMessageId()).isEqualTo("never-settled");
            }

            FeedbackRecord record = feedbackFor("never-settled");
            assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.deliveryCountExceeded);
            assertThat(receiving.messages.poll(3 * LOCK.toMillis(), TimeUnit.MILLISECONDS))
                    .as("no eleventh delivery").isNull();
            assertThat(registry.getDevice(device.deviceId()).getCloudToDeviceMessageCount()).isZero();
        }
    }

    private static com.microsoft.azure.sdk.iot.service.messaging.Message message(String messageId) {
        com.microsoft.azure.sdk.iot.service.messaging.Message message =
                new com.microsoft.azure.sdk.iot.service.messaging.Message("hold me");
        message.setMessageId(messageId);
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        return message;
    }

    /** The feedback record of the message, waiting for it; records of other messages are kept for their tests. */
    private static FeedbackRecord feedbackFor(String messageId) throws InterruptedException {
        return feedback.of(messageId, WAIT_SECONDS);
    }
}
