package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cloud-to-device messages as an IoT Hub application uses them: the service SDK's {@code MessagingClient} sends over
 * AMQPS, the device SDK's {@code setMessageCallback} receives over each device transport, and the
 * {@code MessageFeedbackProcessorClient} reads the feedback.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloudToDeviceEndToEndTest {
    private static final long WAIT_SECONDS = 15;

    /** MQTT on 8883, MQTT over WebSockets on 443, AMQPS on 5671: the SDKs know no other ports. */
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSocketsWhereBindable().build();
    static MessagingClient messaging;
    static final ReceivedFeedback feedback = new ReceivedFeedback();

    @BeforeAll
    static void setUp() throws Exception {
        messaging = hub.messagingClient("service");
        hub.feedbackClient("service", feedback::add);
    }

    @AfterEach
    void closeDevices() {
        hub.closeDevices();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aMessageReachesTheDeviceWithItsPropertiesAndFullAckGivesSuccessFeedback(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = register("c2d-" + protocol);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId, protocol,
                IotHubMessageResult.COMPLETE);

        Message message = new Message("{\"interval\":5}");
        message.setMessageId("c2d-" + protocol + "-1");
        message.setCorrelationId("correlation-" + protocol);
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        message.setProperties(Map.of("command", "setInterval", "note", "a b+c&d=e"));
        messaging.send(deviceId, message);

        com.microsoft.azure.sdk.iot.device.Message got = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).as("the message reached the device").isNotNull();
        assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"interval\":5}");
        assertThat(got.getMessageId()).isEqualTo("c2d-" + protocol + "-1");
        assertThat(got.getCorrelationId()).isEqualTo("correlation-" + protocol);
        assertThat(got.getProperty("command")).isEqualTo("setInterval");
        assertThat(got.getProperty("note")).isEqualTo("a b+c&d=e");

        FeedbackRecord record = feedbackFor("c2d-" + protocol + "-1");
        assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
        assertThat(record.getDeviceId()).isEqualTo(deviceId);
        assertThat(record.getDeviceGenerationId())
                .isEqualTo(hub.hub.identity().registry().findDevice(deviceId).orElseThrow().generationId());
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aDeviceOfflineWhenTheMessageWasSentGetsItWhenItConnects(IotHubClientProtocol protocol) throws Exception {
        String deviceId = register("c2d-offline-" + protocol);
        Message message = new Message("while you were away");
        message.setMessageId("offline-" + protocol);
        messaging.send(deviceId, message);

        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId, protocol,
                IotHubMessageResult.COMPLETE);

        com.microsoft.azure.sdk.iot.device.Message got = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).as("the queued message reached the device").isNotNull();
        assertThat(got.getMessageId()).isEqualTo("offline-" + protocol);
        assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("while you were away");
    }

    /** As the Java SDK's own MessagingClientTests read the device before and after a send: 0, then 1. */
    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void cloudToDeviceMessageCountIsOneWhileAMessageIsQueuedAndZeroOnceTheDeviceCompletedIt(
            IotHubClientProtocol protocol) throws Exception {
        String deviceId = register("c2d-count-" + protocol);
        RegistryClient registry = hub.registryClient("iothubowner");
        TwinClient twins = hub.twinClient("iothubowner");
        assertThat(registry.getDevice(deviceId).getCloudToDeviceMessageCount()).isZero();

        Message message = new Message("count me");
        message.setMessageId("count-" + protocol);
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        messaging.send(deviceId, message);
        assertThat(registry.getDevice(deviceId).getCloudToDeviceMessageCount()).isEqualTo(1);
        assertThat(twins.get(deviceId).getCloudToDeviceMessageCount()).isEqualTo(1);
        TwinQueryResponse queued = hub.queryClient("iothubowner").queryTwins(
                "SELECT * FROM devices WHERE cloudToDeviceMessageCount > 0 AND deviceId = '" + deviceId + "'");
        assertThat(queued.hasNext()).as("the query finds the device by its queue").isTrue();
        assertThat(queued.next().getCloudToDeviceMessageCount()).isEqualTo(1);

        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId, protocol,
                IotHubMessageResult.COMPLETE);
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("the message reached the device").isNotNull();
        // The hub removes the message and counts it out before it adds the feedback.
        assertThat(feedbackFor("count-" + protocol).getStatusCode()).isEqualTo(FeedbackStatusCode.success);
        assertThat(registry.getDevice(deviceId).getCloudToDeviceMessageCount()).isZero();
        assertThat(twins.get(deviceId).getCloudToDeviceMessageCount()).isZero();
    }

    @Test
    void aBackEndOnAmqpsWsSendsThroughPort443() throws Exception {
        WebSocketPort.requireListening(hub);
        MessagingClient overWebSockets = hub.messagingClient("service", IotHubServiceClientProtocol.AMQPS_WS);
        String deviceId = register("c2d-service-ws");
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId,
                IotHubClientProtocol.MQTT, IotHubMessageResult.COMPLETE);
        Message message = new Message("sent over 443");
        message.setMessageId("service-ws-1");
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.PositiveOnly);
        overWebSockets.send(deviceId, message);

        com.microsoft.azure.sdk.iot.device.Message got = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).as("the message sent over AMQPS_WS reached the device").isNotNull();
        assertThat(got.getMessageId()).isEqualTo("service-ws-1");
        assertThat(feedbackFor("service-ws-1").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
    }

    @Test
    void aMessageTheDeviceRejectsOverAmqpGivesRejectedFeedbackAndIsNotDeliveredAgain() throws Exception {
        String deviceId = register("c2d-reject");
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId,
                IotHubClientProtocol.AMQPS, IotHubMessageResult.REJECT);
        Message message = new Message("unwanted");
        message.setMessageId("rejected-1");
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.NegativeOnly);
        messaging.send(deviceId, message);

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
        assertThat(feedbackFor("rejected-1").getStatusCode()).isEqualTo(FeedbackStatusCode.rejected);
        Message next = new Message("next");
        next.setMessageId("after-rejected");
        messaging.send(deviceId, next);
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId())
                .as("the rejected message is dead-lettered, not delivered again").isEqualTo("after-rejected");
    }

    @Test
    void anExpiredMessageIsNotDeliveredAndGivesExpiredFeedback() throws Exception {
        String deviceId = register("c2d-expired");
        Message shortLived = new Message("too late");
        shortLived.setMessageId("expires-soon");
        shortLived.setExpiryTimeUtc(Date.from(Instant.now().plusMillis(1500)));
        messaging.send(deviceId, shortLived);

        assertThat(feedbackFor("expires-soon").getStatusCode()).isEqualTo(FeedbackStatusCode.expired);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId,
                IotHubClientProtocol.MQTT, IotHubMessageResult.COMPLETE);
        Message fresh = new Message("in time");
        fresh.setMessageId("fresh");
        messaging.send(deviceId, fresh);
        // The queue is in order: had the expired message been delivered, it would have come first.
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId()).isEqualTo("fresh");
    }

    @Test
    void theFiftyFirstQueuedMessageIsRefusedWithTheSdksQueueDepthError() throws Exception {
        String deviceId = register("c2d-full");
        for (int i = 0; i < 50; i++) {
            messaging.send(deviceId, new Message("message " + i));
        }
        assertThatThrownBy(() -> messaging.send(deviceId, new Message("one too many")))
                .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class);
    }

    @Test
    void aMessageOver64KilobytesIsRefusedAsTooLarge() {
        String deviceId = register("c2d-large");
        assertThatThrownBy(() -> messaging.send(deviceId, new Message(new byte[64 * 1024 + 1])))
                .isInstanceOf(IotHubMessageTooLargeException.class);
    }

    @Test
    void aMessageToAnUnknownDeviceIsRefusedAsNotFound() {
        assertThatThrownBy(() -> messaging.send("no-such-device", new Message("hello")))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void purgingTheQueueRemovesWhatWasQueuedAndTheDeviceGetsOnlyWhatCameAfter() throws Exception {
        String deviceId = register("c2d-purge");
        for (int i = 0; i < 3; i++) {
            messaging.send(deviceId, new Message("stale " + i));
        }

        HttpResponse<String> purged = new ServiceHttp(hub).delete("/devices/" + deviceId + "/commands", "service");
        assertThat(purged.statusCode()).isEqualTo(200);
        JsonObject answer = JsonParser.parseString(purged.body()).getAsJsonObject();
        assertThat(answer.get("deviceId").getAsString()).isEqualTo(deviceId);
        assertThat(answer.get("totalMessagesPurged").getAsInt()).isEqualTo(3);

        Message fresh = new Message("fresh");
        fresh.setMessageId("after-purge");
        messaging.send(deviceId, fresh);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = connect(deviceId,
                IotHubClientProtocol.MQTT, IotHubMessageResult.COMPLETE);
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId()).isEqualTo("after-purge");
    }

    @Test
    void purgingTheQueueOfAnUnknownDeviceIs404() throws Exception {
        HttpResponse<String> purged = new ServiceHttp(hub).delete("/devices/no-such-device/commands", "service");
        assertThat(purged.statusCode()).isEqualTo(404);
        assertThat(purged.body()).contains("404001");
    }

    private String register(String deviceId) {
        return hub.registerDevice(deviceId.replace('_', '-').toLowerCase());
    }

    /** Opens the device with a message callback answering {@code result}; what it receives lands in the queue. */
    private LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> connect(String deviceId,
            IotHubClientProtocol protocol, IotHubMessageResult result) throws Exception {
        if (protocol.name().endsWith("_WS")) {
            WebSocketPort.requireListening(hub);
        }
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        DeviceClient device = hub.device(deviceId, protocol);
        device.setMessageCallback((message, context) -> {
            received.add(message);
            return result;
        }, null);
        device.open(false);
        return received;
    }

    /** The feedback record of the message, waiting for it; records of other messages are kept for their tests. */
    private static FeedbackRecord feedbackFor(String messageId) throws InterruptedException {
        return feedback.of(messageId, WAIT_SECONDS);
    }
}
