package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Devices on the Java device SDK's HTTPS transport ({@code IotHubClientProtocol.HTTPS}, port 443 only): telemetry,
 * single and batched, stored with its properties and read on the Event Hubs endpoint; cloud-to-device messages
 * received by polling and completed, rejected or abandoned, with the back-end's feedback; another device's key refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsDevicesEndToEndTest {
    private static final long WAIT_SECONDS = 15;

    /** HTTPS devices on 443 (the SDK knows no other port), the back-end on AMQPS 5671, Event Hubs on 5672. */
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().settings(settings -> settings.hubName("https-test-hub"))
            .build();
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

    @Test
    void oneMessageIsStoredWithItsPropertiesAndTheDeviceStaysDisconnectedButActive() throws Exception {
        String deviceId = hub.registerDevice("https-single");
        Instant before = Instant.now().minusSeconds(1);
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            DeviceClient device = hub.device(deviceId, IotHubClientProtocol.HTTPS);
            device.open(false);
            device.sendEvent(message("{\"temperature\":21.5}", "single-1", "true"));

            TelemetryMessage got = stored.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(got).as("the message was stored").isNotNull();
            assertThat(got.deviceId()).isEqualTo(deviceId);
            assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":21.5}");
            assertThat(got.systemProperties())
                    .containsEntry("$.mid", "single-1")
                    .containsEntry("$.cid", "correlation-single-1")
                    .containsEntry("$.ct", "application/json")
                    .containsEntry("$.ce", "utf-8")
                    .containsEntry(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY, generationOf(deviceId));
            assertThat(got.applicationProperties()).containsEntry("temperatureAlert", "true");
        }
        Device seen = hub.registryClient("registryRead").getDevice(deviceId);
        assertThat(seen.getConnectionState()).as("IoT Hub never shows an HTTPS device as connected")
                .isEqualTo(DeviceConnectionState.Disconnected);
        // The service SDK shows the time to the second, without a zone: UTC.
        assertThat(java.time.LocalDateTime.parse(seen.getLastActivityTime()).toInstant(java.time.ZoneOffset.UTC))
                .as("but its requests are activity").isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void aBatchIsStoredAsSeparateMessagesWithTheirPropertiesAndReadOnTheEventHubsEndpoint() throws Exception {
        String deviceId = hub.registerDevice("https-batch");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            DeviceClient device = hub.device(deviceId, IotHubClientProtocol.HTTPS);
            device.open(false);
            CompletableFuture<IotHubClientException> sent = new CompletableFuture<>();
            device.sendEventsAsync(List.of(message("{\"n\":1}", "batch-1", "false"),
                            message("{\"n\":2}", "batch-2", "true")),
                    (messages, exception, context) -> sent.complete(exception), null);
            assertThat(sent.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("the batch was accepted").isNull();

            List<TelemetryMessage> got = List.of(stored.poll(WAIT_SECONDS, TimeUnit.SECONDS),
                    stored.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertThat(got).extracting(message -> new String(message.body(), StandardCharsets.UTF_8))
                    .containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(got.get(0).systemProperties()).containsEntry("$.mid", "batch-1")
                    .containsEntry("$.ct", "application/json");
            assertThat(got.get(1).applicationProperties()).containsEntry("temperatureAlert", "true");
        }

        String partition = Integer.toString(new TelemetryPartitions(hub.hub.partitions()).partitionOf(deviceId));
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub.hub.eventHubsConnectionString("service", false))
                .consumerGroup("$Default").retryOptions(new AmqpRetryOptions().setMaxRetries(0)
                        .setTryTimeout(Duration.ofSeconds(15))).buildConsumerClient()) {
            List<EventData> events = new ArrayList<>();
            for (PartitionEvent event : consumer.receiveFromPartition(partition, 10, EventPosition.earliest(),
                    Duration.ofSeconds(5))) {
                if (deviceId.equals(event.getData().getSystemProperties().get("iothub-connection-device-id"))) {
                    events.add(event.getData());
                }
            }
            assertThat(events).extracting(EventData::getBodyAsString).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(events.get(1).getSystemProperties())
                    .containsEntry("message-id", "batch-2")
                    .containsEntry("iothub-connection-auth-method",
                            "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}")
                    .containsEntry("iothub-connection-auth-generation-id", generationOf(deviceId));
            assertThat(events.get(1).getProperties()).containsEntry("temperatureAlert", "true");
        }
    }

    @Test
    void aCompletedMessageReachesTheDeviceWithItsPropertiesAndGivesSuccessFeedback() throws Exception {
        String deviceId = hub.registerDevice("https-c2d-complete");
        LinkedBlockingQueue<Message> received = receive(deviceId, List.of(IotHubMessageResult.COMPLETE));
        com.microsoft.azure.sdk.iot.service.messaging.Message message =
                new com.microsoft.azure.sdk.iot.service.messaging.Message("{\"interval\":5}");
        message.setMessageId("https-complete-1");
        message.setCorrelationId("correlation-https");
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        message.setProperties(Map.of("command", "setInterval"));
        messaging.send(deviceId, message);

        Message got = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).as("the message reached the device").isNotNull();
        assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"interval\":5}");
        assertThat(got.getMessageId()).isEqualTo("https-complete-1");
        assertThat(got.getCorrelationId()).isEqualTo("correlation-https");
        assertThat(got.getProperty("command")).isEqualTo("setInterval");
        assertThat(feedbackFor("https-complete-1").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
    }

    @Test
    void aRejectedMessageGivesRejectedFeedbackAndIsNotDeliveredAgain() throws Exception {
        String deviceId = hub.registerDevice("https-c2d-reject");
        LinkedBlockingQueue<Message> received = receive(deviceId,
                List.of(IotHubMessageResult.REJECT, IotHubMessageResult.COMPLETE));
        messaging.send(deviceId, c2d("https-rejected", DeliveryAcknowledgement.Full));

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId()).isEqualTo("https-rejected");
        assertThat(feedbackFor("https-rejected").getStatusCode()).isEqualTo(FeedbackStatusCode.rejected);
        messaging.send(deviceId, c2d("https-after-reject", DeliveryAcknowledgement.None));
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId())
                .as("the rejected message is dead-lettered, not delivered again").isEqualTo("https-after-reject");
    }

    @Test
    void anAbandonedMessageIsDeliveredAgainThenCompleted() throws Exception {
        String deviceId = hub.registerDevice("https-c2d-abandon");
        LinkedBlockingQueue<Message> received = receive(deviceId,
                List.of(IotHubMessageResult.ABANDON, IotHubMessageResult.COMPLETE));
        messaging.send(deviceId, c2d("https-abandoned", DeliveryAcknowledgement.Full));

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId()).isEqualTo("https-abandoned");
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS).getMessageId())
                .as("abandoned, it comes again").isEqualTo("https-abandoned");
        assertThat(feedbackFor("https-abandoned").getStatusCode()).isEqualTo(FeedbackStatusCode.success);
    }

    @Test
    void aDeviceUsingAnotherDevicesKeyIsRefusedAndNothingIsStored() throws Exception {
        String victim = hub.registerDevice("https-victim");
        String attacker = hub.registerDevice("https-attacker");
        String attackerKey = hub.hub.identity().registry().findDevice(attacker).orElseThrow().keys().get(0);
        String forged = "HostName=" + hub.hub.hostName() + ";DeviceId=" + victim + ";SharedAccessKey=" + attackerKey;
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            DeviceClient device = hub.deviceWithConnectionString(forged, IotHubClientProtocol.HTTPS);
            device.open(false);
            assertThatThrownBy(() -> device.sendEvent(message("forged", "forged-1", "false")))
                    .isInstanceOfSatisfying(IotHubClientException.class,
                            e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
            assertThat(stored.poll(500, TimeUnit.MILLISECONDS)).as("nothing stored for the victim").isNull();
        }
    }

    private static Message message(String body, String messageId, String alert) {
        Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
        message.setMessageId(messageId);
        message.setCorrelationId("correlation-" + messageId);
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setProperty("temperatureAlert", alert);
        return message;
    }

    private static com.microsoft.azure.sdk.iot.service.messaging.Message c2d(String messageId,
                                                                            DeliveryAcknowledgement ack) {
        com.microsoft.azure.sdk.iot.service.messaging.Message message =
                new com.microsoft.azure.sdk.iot.service.messaging.Message("body of " + messageId);
        message.setMessageId(messageId);
        message.setDeliveryAcknowledgement(ack);
        return message;
    }

    /** An open HTTPS device whose callback answers each message with the next of {@code results} (the last repeats). */
    private static LinkedBlockingQueue<Message> receive(String deviceId, List<IotHubMessageResult> results)
            throws Exception {
        LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.HTTPS);
        device.setMessageCallback((message, context) -> {
            received.add(message);
            return results.get(Math.min(calls.incrementAndGet(), results.size()) - 1);
        }, null);
        device.open(false);
        return received;
    }

    private static String generationOf(String deviceId) {
        return hub.hub.identity().registry().findDevice(deviceId).orElseThrow().generationId();
    }

    private static FeedbackRecord feedbackFor(String messageId) throws InterruptedException {
        return feedback.of(messageId, WAIT_SECONDS);
    }
}
