package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * The Event Hubs-compatible endpoint read by the unmodified Event Hubs SDK (azure-messaging-eventhubs), in its
 * emulator mode (plain AMQP on 5672) and over TLS (5671): what devices sent over MQTT and AMQPS arrives whole, in
 * order, in its device's partition, from every start position; the management node describes the hub and its
 * partitions; bad credentials and unknown names get the SDK's errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventHubsEndpointTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AmqpRetryOptions FAIL_FAST = new AmqpRetryOptions().setMaxRetries(0)
            .setTryTimeout(Duration.ofSeconds(15));

    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.hubName("eh-test-hub")
            .consumerGroups(List.of("analytics", "owners", "quota", "metrics"))).build();
    static final List<String> MQTT_BODIES = new ArrayList<>();
    static final List<String> AMQP_BODIES = new ArrayList<>();
    static final TelemetryPartitions PARTITIONS = new TelemetryPartitions(2);

    @BeforeAll
    static void startHubAndSendTelemetry() throws Exception {
        // Two devices in different partitions, one on each device protocol.
        hub.registerDevice("eh-mqtt-device");
        String amqpDevice = "eh-amqp-device";
        for (int i = 0; PARTITIONS.partitionOf(amqpDevice) == PARTITIONS.partitionOf("eh-mqtt-device"); i++) {
            amqpDevice = "eh-amqp-device-" + i;
        }
        hub.registerDevice(amqpDevice);
        send(hub.device("eh-mqtt-device", IotHubClientProtocol.MQTT), "mqtt", MQTT_BODIES);
        send(hub.device(amqpDevice, IotHubClientProtocol.AMQPS), "amqp", AMQP_BODIES);
        hub.closeDevices();
    }

    private static void send(DeviceClient device, String label, List<String> bodies) throws Exception {
        device.open(false);
        for (int i = 0; i < 5; i++) {
            String body = "{\"" + label + "\":" + i + "}";
            Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
            message.setContentType("application/json");
            message.setContentEncoding("utf-8");
            message.setMessageId(label + "-" + i);
            message.setProperty("temperatureAlert", i % 2 == 0 ? "true" : "false");
            device.sendEvent(message);
            bodies.add(body);
        }
    }

    private static EventHubClientBuilder emulator(String consumerGroup) {
        return new EventHubClientBuilder().connectionString(hub.hub.eventHubsConnectionString("service", false))
                .consumerGroup(consumerGroup).retryOptions(FAIL_FAST);
    }

    private static List<EventData> receive(EventHubConsumerClient consumer, String partition, int count,
                                           EventPosition position) {
        List<EventData> events = new ArrayList<>();
        for (PartitionEvent event : consumer.receiveFromPartition(partition, count, position, WAIT)) {
            events.add(event.getData());
        }
        return events;
    }

    private static String partitionOf(String deviceId) {
        return Integer.toString(PARTITIONS.partitionOf(deviceId));
    }

    @Test
    void theEmulatorConnectionStringNamesThePlainPortAndTheHub() {
        assertThat(hub.hub.eventHubsPort()).isEqualTo(5672);
        assertThat(hub.hub.eventHubsConnectionString("service", false))
                .startsWith("Endpoint=sb://" + hub.address() + ";SharedAccessKeyName=service;SharedAccessKey=")
                .endsWith(";EntityPath=eh-test-hub;UseDevelopmentEmulator=true");
    }

    @Test
    void everyMessageOfEachDeviceArrivesInOrderInItsPartitionWithItsProperties() {
        try (EventHubConsumerClient consumer = emulator("$Default").buildConsumerClient()) {
            List<EventData> mqtt = receive(consumer, partitionOf("eh-mqtt-device"), 5, EventPosition.earliest());
            List<EventData> amqp = receive(consumer, partitionOf(amqpDeviceId()), 5, EventPosition.earliest());

            assertThat(mqtt).extracting(EventData::getBodyAsString).containsExactlyElementsOf(MQTT_BODIES);
            assertThat(amqp).extracting(EventData::getBodyAsString).containsExactlyElementsOf(AMQP_BODIES);
            assertThat(mqtt).extracting(EventData::getSequenceNumber).isSorted().doesNotHaveDuplicates();
            EventData first = mqtt.get(0);
            assertThat(first.getSystemProperties())
                    .containsEntry("iothub-connection-device-id", "eh-mqtt-device")
                    .containsEntry("iothub-message-source", "Telemetry")
                    .containsEntry("message-id", "mqtt-0")
                    .containsEntry("content-type", "application/json")
                    .containsEntry("content-encoding", "utf-8")
                    .containsKey("iothub-enqueuedtime");
            assertThat(first.getProperties()).containsEntry("temperatureAlert", "true");
            String sasDevice = "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
            assertThat(first.getSystemProperties())
                    .containsEntry("iothub-connection-auth-method", sasDevice)
                    .containsEntry("iothub-connection-auth-generation-id", hub.hub.identity().registry()
                            .findDevice("eh-mqtt-device").orElseThrow().generationId());
            assertThat(amqp.get(0).getSystemProperties())
                    .containsEntry("iothub-connection-auth-method", sasDevice)
                    .containsEntry("iothub-connection-auth-generation-id", hub.hub.identity().registry()
                            .findDevice(amqpDeviceId()).orElseThrow().generationId());
            assertThat(first.getOffsetString()).isEqualTo(Long.toString(first.getSequenceNumber()));
            assertThat(first.getEnqueuedTime()).isBefore(Instant.now().plusSeconds(1));
            assertThat(amqp.get(1).getSystemProperties())
                    .containsEntry("iothub-connection-device-id", amqpDeviceId())
                    .containsEntry("message-id", "amqp-1");
            assertThat(amqp.get(1).getProperties()).containsEntry("temperatureAlert", "false");
        }
    }

    @Test
    void aReaderResumesAfterAStoredOffsetOrSequenceNumber() {
        try (EventHubConsumerClient consumer = emulator("analytics").buildConsumerClient()) {
            String partition = partitionOf("eh-mqtt-device");
            List<EventData> all = receive(consumer, partition, 5, EventPosition.earliest());
            EventData second = all.get(1);

            List<EventData> afterOffset = receive(consumer, partition, 3,
                    EventPosition.fromOffsetString(second.getOffsetString()));
            List<EventData> fromSequence = receive(consumer, partition, 3,
                    EventPosition.fromSequenceNumber(second.getSequenceNumber(), true));

            assertThat(afterOffset).extracting(EventData::getBodyAsString).containsExactlyElementsOf(MQTT_BODIES.subList(2, 5));
            assertThat(fromSequence).extracting(EventData::getBodyAsString).containsExactlyElementsOf(MQTT_BODIES.subList(1, 4));
        }
    }

    @Test
    void latestAndEnqueuedTimePositionsStartWhereTheySay() throws Exception {
        try (EventHubConsumerClient consumer = emulator("$Default").buildConsumerClient()) {
            String partition = partitionOf("eh-mqtt-device");
            List<EventData> all = receive(consumer, partition, 5, EventPosition.earliest());

            List<EventData> fromTime = receive(consumer, partition, 5,
                    EventPosition.fromEnqueuedTime(all.get(3).getEnqueuedTime().minusMillis(1)));
            assertThat(fromTime.get(0).getSequenceNumber()).isLessThanOrEqualTo(all.get(3).getSequenceNumber());
            assertThat(fromTime).extracting(EventData::getBodyAsString).contains(MQTT_BODIES.get(4));
            assertThat(fromTime).extracting(EventData::getBodyAsString).doesNotContain(MQTT_BODIES.get(0));

            assertThat(consumer.receiveFromPartition(partition, 5, EventPosition.latest(), Duration.ofSeconds(2)))
                    .isEmpty();
        }
    }

    @Test
    void aLatestReaderGetsWhatIsSentAfterItAttached() throws Exception {
        String deviceId = hub.registerDevice("eh-live-device");
        try (EventHubConsumerAsyncClient consumer = emulator("$Default").buildAsyncConsumerClient()) {
            List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            var subscription = consumer.receiveFromPartition(partitionOf(deviceId), EventPosition.latest())
                    .subscribe(event -> received.add(event.getData().getBodyAsString()));
            try {
                DeviceClient device = hub.device(deviceId, IotHubClientProtocol.MQTT);
                device.open(false);
                long deadline = System.nanoTime() + WAIT.toNanos();
                int sent = 0;
                // The link attaches asynchronously: send until the first message arrives, then two more.
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    device.sendEvent(new Message(("live-" + sent++).getBytes(StandardCharsets.UTF_8)));
                    TestHub.pause(200);
                }
                int firstSeen = Integer.parseInt(received.get(0).substring("live-".length()));
                device.sendEvent(new Message(("live-" + sent++).getBytes(StandardCharsets.UTF_8)));
                device.sendEvent(new Message(("live-" + sent++).getBytes(StandardCharsets.UTF_8)));
                while (received.size() < sent - firstSeen && System.nanoTime() < deadline) {
                    TestHub.pause(50);
                }
                List<String> expected = new ArrayList<>();
                for (int i = firstSeen; i < sent; i++) {
                    expected.add("live-" + i);
                }
                assertThat(received).containsExactlyElementsOf(expected);
            } finally {
                subscription.dispose();
                hub.closeDevices();
            }
        }
    }

    @Test
    void aReaderWithLittleCreditGetsABurstWholeInOrderOnce() throws Exception {
        String deviceId = "eh-burst-device";
        int burst = 3000;
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            // Straight into the feed: faster than any device, so the reader falls behind its credit and the hub's
            // read-ahead, and must catch up from the store.
            expected.add(send(deviceId, i));
        }
        try (EventHubConsumerClient consumer = emulator("$Default").prefetchCount(10).buildConsumerClient()) {
            List<Long> received = new ArrayList<>();
            EventPosition position = EventPosition.fromSequenceNumber(expected.get(0), true);
            while (received.size() < burst) {
                List<EventData> page = receive(consumer, partitionOf(deviceId), 500, position);
                assertThat(page).as("events after %s", received.size()).isNotEmpty();
                page.stream().filter(e -> "eh-burst-device".equals(e.getSystemProperties()
                        .get("iothub-connection-device-id"))).forEach(e -> received.add(e.getSequenceNumber()));
                position = EventPosition.fromSequenceNumber(page.get(page.size() - 1).getSequenceNumber());
            }
            assertThat(received).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aLiveReaderWithLittleCreditGetsABurstWholeInOrderOnce() throws Exception {
        String deviceId = "eh-live-burst-device";
        int burst = 3000;
        List<Long> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventHubConsumerAsyncClient consumer = emulator("analytics").prefetchCount(10).buildAsyncConsumerClient()) {
            var subscription = consumer.receiveFromPartition(partitionOf(deviceId), EventPosition.latest())
                    .filter(e -> deviceId.equals(e.getData().getSystemProperties().get("iothub-connection-device-id")))
                    .subscribe(e -> received.add(e.getData().getSequenceNumber()));
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                // The link attaches asynchronously: a first message marks when it reads live.
                long first = 0;
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    first = send(deviceId, -1);
                    TestHub.pause(100);
                }
                long start = received.get(0);
                assertThat(start).isLessThanOrEqualTo(first);
                List<Long> expected = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    expected.add(send(deviceId, i));
                }
                while (received.size() < burst + 1 && System.nanoTime() < deadline + WAIT.toNanos()) {
                    TestHub.pause(50);
                }
                assertThat(received).as("the marker and the burst").hasSizeGreaterThan(burst);
                assertThat(received.subList(received.size() - burst, received.size()))
                        .containsExactlyElementsOf(expected);
                assertThat(received).doesNotHaveDuplicates().isSorted();
            } finally {
                subscription.dispose();
            }
        }
    }

    /** One receiver of a partition, from the earliest event, with its events and how it ended. */
    private record Reading(List<EventData> events, AtomicReference<Throwable> error, Disposable subscription) {
        void awaitEvents(int count) throws InterruptedException {
            awaitThat(() -> events.size() >= count || error.get() != null, "events arrive");
            assertThat(error.get()).as("the receiver's error").isNull();
        }

        AmqpException awaitError() throws InterruptedException {
            awaitThat(() -> error.get() != null, "the receiver ends with an error");
            Throwable cause = error.get();
            while (cause != null && !(cause instanceof AmqpException)) {
                cause = cause.getCause();
            }
            assertThat(cause).as("an AmqpException in %s", error.get()).isInstanceOf(AmqpException.class);
            return (AmqpException) cause;
        }
    }

    private static Reading read(EventHubConsumerAsyncClient consumer, String partition, Long ownerLevel) {
        List<EventData> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Disposable subscription = consumer.receiveFromPartition(partition, EventPosition.earliest(),
                        new ReceiveOptions().setOwnerLevel(ownerLevel))
                .subscribe(event -> events.add(event.getData()), error::set);
        return new Reading(events, error, subscription);
    }

    private static void awaitThat(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        TestHub.awaitThat(condition, WAIT, what);
    }

    @Test
    void aHigherOwnerLevelDisconnectsTheReceiverThatReadsAndLowerOrNoneAreRefused() throws Exception {
        String partition = partitionOf("eh-mqtt-device");
        try (EventHubConsumerAsyncClient consumer = emulator("owners").buildAsyncConsumerClient()) {
            Reading first = read(consumer, partition, 1L);
            first.awaitEvents(5);

            Reading higher = read(consumer, partition, 2L);
            higher.awaitEvents(5);
            AmqpException displaced = first.awaitError();
            assertThat(displaced.getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            assertThat(displaced.getMessage()).contains("with higher epoch of '2' is created hence current receiver")
                    .contains("with epoch '1' is getting disconnected");

            AmqpException lower = read(consumer, partition, 1L).awaitError();
            assertThat(lower.getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            assertThat(lower.getMessage()).contains("with a higher epoch '2' already exists")
                    .contains("with epoch 1 cannot be created");
            AmqpException none = read(consumer, partition, null).awaitError();
            assertThat(none.getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            assertThat(none.getMessage()).contains("created with epoch of '2', and so non-epoch receiver is not allowed");

            // The owner reads on, and another partition of the group is not affected.
            assertThat(higher.error().get()).isNull();
            read(consumer, partitionOf(amqpDeviceId()), null).awaitEvents(5);
            higher.subscription().dispose();
        }
    }

    @Test
    void aSixthReceiverWithoutOwnerLevelIsOverTheQuotaUntilOneCloses() throws Exception {
        String partition = partitionOf("eh-mqtt-device");
        try (EventHubConsumerAsyncClient consumer = emulator("quota").buildAsyncConsumerClient()) {
            List<Reading> five = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Reading reading = read(consumer, partition, null);
                reading.awaitEvents(5);
                five.add(reading);
            }
            AmqpException sixth = read(consumer, partition, null).awaitError();
            assertThat(sixth.getErrorCondition()).isEqualTo(AmqpErrorCondition.RESOURCE_LIMIT_EXCEEDED);
            assertThat(sixth.getMessage()).contains("Exceeded the maximum number of allowed receivers per partition"
                    + " in a consumer group which is 5");

            five.get(0).subscription().dispose();
            // The detach reaches the hub after dispose() returns: until then a sixth is still one too many.
            long deadline = System.nanoTime() + WAIT.toNanos();
            Reading again = null;
            while (again == null) {
                assertThat(System.nanoTime()).as("a receiver fits once one closed").isLessThan(deadline);
                Reading attempt = read(consumer, partition, null);
                awaitThat(() -> !attempt.events().isEmpty() || attempt.error().get() != null, "an event or an error");
                if (attempt.error().get() == null) {
                    again = attempt;
                } else {
                    assertThat(attempt.awaitError().getErrorCondition())
                            .isEqualTo(AmqpErrorCondition.RESOURCE_LIMIT_EXCEEDED);
                }
            }
            again.awaitEvents(5);
            five.forEach(reading -> reading.subscription().dispose());
            again.subscription().dispose();
        }
    }

    @Test
    void aReceiverTrackingTheLastEnqueuedEventGetsItWithEachEvent() {
        String partition = partitionOf("eh-mqtt-device");
        Instant before = Instant.now().minusSeconds(1);
        try (EventHubConsumerAsyncClient consumer = emulator("metrics").buildAsyncConsumerClient()) {
            List<PartitionEvent> tracked = consumer.receiveFromPartition(partition, EventPosition.earliest(),
                    new ReceiveOptions().setTrackLastEnqueuedEventProperties(true)).take(5).collectList().block(WAIT);
            List<PartitionEvent> untracked = consumer.receiveFromPartition(partition, EventPosition.earliest())
                    .take(2).collectList().block(WAIT);
            PartitionProperties now = consumer.getPartitionProperties(partition).block(WAIT);

            assertThat(tracked).hasSize(5).allSatisfy(event -> {
                LastEnqueuedEventProperties last = event.getLastEnqueuedEventProperties();
                assertThat(last).isNotNull();
                assertThat(last.getSequenceNumber()).isEqualTo(now.getLastEnqueuedSequenceNumber());
                assertThat(last.getOffsetString()).isEqualTo(now.getLastEnqueuedOffset());
                assertThat(last.getEnqueuedTime().toEpochMilli()).isEqualTo(now.getLastEnqueuedTime().toEpochMilli());
                assertThat(last.getRetrievalTime()).isBetween(before, Instant.now());
            });
            assertThat(untracked).allSatisfy(event -> assertThat(event.getLastEnqueuedEventProperties()).isNull());
        }
    }

    private static long send(String deviceId, int i) {
        return hub.hub.telemetry().accept(deviceId, Map.of(), Map.of("i", Integer.toString(i)), new byte[] {1})
                .join().sequenceNumber();
    }

    @Test
    void theManagementNodeDescribesTheHubAndItsPartitions() {
        try (EventHubConsumerClient consumer = emulator("$Default").buildConsumerClient()) {
            EventHubProperties properties = consumer.getEventHubProperties();
            assertThat(properties.getName()).isEqualTo("eh-test-hub");
            assertThat(properties.getPartitionIds()).containsExactly("0", "1");

            String partition = partitionOf("eh-mqtt-device");
            List<EventData> all = receive(consumer, partition, 5, EventPosition.earliest());
            PartitionProperties described = consumer.getPartitionProperties(partition);
            assertThat(described.isEmpty()).isFalse();
            assertThat(described.getBeginningSequenceNumber()).isEqualTo(all.get(0).getSequenceNumber());
            assertThat(described.getLastEnqueuedSequenceNumber()).isGreaterThanOrEqualTo(all.get(4).getSequenceNumber());
            assertThat(described.getLastEnqueuedOffset())
                    .isEqualTo(Long.toString(described.getLastEnqueuedSequenceNumber()));
        }
    }

    @Test
    void overTlsAClientTrustingTheHubsCaReadsTheSame() throws Exception {
        SSLContext previous = SSLContext.getDefault();
        // The Event Hubs SDK verifies the server with the JVM's default SSLContext (the host name too).
        SSLContext.setDefault(TrustedCa.trustingOnly(hub.hub.caCertificateFile()));
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub.hub.eventHubsConnectionString("service", true))
                .consumerGroup("$Default").retryOptions(FAIL_FAST).buildConsumerClient()) {
            assertThat(hub.hub.eventHubsConnectionString("service", true)).doesNotContain("UseDevelopmentEmulator");
            List<EventData> mqtt = receive(consumer, partitionOf("eh-mqtt-device"), 5, EventPosition.earliest());
            assertThat(mqtt).extracting(EventData::getBodyAsString).containsExactlyElementsOf(MQTT_BODIES);
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    @Test
    void anUnknownConsumerGroupIsNotFound() {
        try (EventHubConsumerClient consumer = emulator("no-such-group").buildConsumerClient()) {
            assertAmqpError(() -> receive(consumer, "0", 1, EventPosition.earliest()), AmqpErrorCondition.NOT_FOUND);
        }
    }

    @Test
    void anUnknownPartitionIsOutOfRange() {
        try (EventHubConsumerClient consumer = emulator("$Default").buildConsumerClient()) {
            assertAmqpError(() -> receive(consumer, "2", 1, EventPosition.earliest()),
                    AmqpErrorCondition.ARGUMENT_OUT_OF_RANGE_ERROR);
            assertAmqpError(() -> consumer.getPartitionProperties("7"), AmqpErrorCondition.NOT_FOUND);
        }
    }

    @Test
    void aWrongKeyIsUnauthorized() {
        String wrongKey = hub.hub.eventHubsConnectionString("service", false)
                .replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        try (EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(wrongKey)
                .consumerGroup("$Default").retryOptions(FAIL_FAST).buildConsumerClient()) {
            assertUnauthorized(() -> receive(consumer, "0", 1, EventPosition.earliest()));
            assertUnauthorized(consumer::getEventHubProperties);
        }
    }

    @Test
    void aPolicyTokenForAnotherAudienceIsUnauthorized() {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        // Signed correctly, but for another hub's event hub: the audience must name this hub and its event hub.
        String token = SasSigner.signAsEventHubs(service.primaryKey(), "amqp://other-hub.example.test/eh-test-hub",
                Instant.now().plusSeconds(600).getEpochSecond(), "service");
        try (EventHubConsumerClient consumer = sasClient(token)) {
            assertUnauthorized(() -> receive(consumer, "0", 1, EventPosition.earliest()));
        }
    }

    @Test
    void aDeviceTokenIsUnauthorized() {
        DeviceIdentity device = hub.hub.identity().registry().findDevice("eh-mqtt-device").orElseThrow();
        String token = SasSigner.sign(device.primaryKey(), hub.hub.hostName() + "/devices/eh-mqtt-device",
                Instant.now().plusSeconds(600).getEpochSecond(), null);
        try (EventHubConsumerClient consumer = sasClient(token)) {
            assertUnauthorized(() -> receive(consumer, "0", 1, EventPosition.earliest()));
        }
    }

    @Test
    void aPolicyWithoutServiceConnectIsUnauthorized() {
        SharedAccessPolicy registryRead = hub.hub.identity().registry().findPolicy("registryRead").orElseThrow();
        String connectionString = hub.hub.eventHubsConnectionString("service", false)
                .replaceAll("SharedAccessKeyName=[^;]+", "SharedAccessKeyName=registryRead")
                .replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=" + registryRead.primaryKey());
        try (EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(connectionString)
                .consumerGroup("$Default").retryOptions(FAIL_FAST).buildConsumerClient()) {
            assertUnauthorized(() -> receive(consumer, "0", 1, EventPosition.earliest()));
            assertUnauthorized(consumer::getEventHubProperties);
        }
    }

    @Test
    void thePlainPortServesTheEventHubsEndpointAloneNotDevicesNorCloudToDevice() throws Exception {
        try (RawAmqpDevices raw = new RawAmqpDevices(hub.hub); RawAmqpDevices.Client client = raw.connectPlain()) {
            DeviceIdentity device = raw.device("eh-mqtt-device");
            assertThat(client.putToken(raw.audience(device.deviceId()), raw.token(device, 600)))
                    .as("no device authenticates without TLS").isEqualTo(401);
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 600))).isEqualTo(200);

            assertThat(client.attachSender("/messages/devicebound").closedWith(5_000))
                    .as("cloud-to-device is served over TLS only").isEqualTo("amqp:not-found");
        }
    }

    /** A client that puts {@code token} on $cbs whatever the audience, in emulator mode. */
    private static EventHubConsumerClient sasClient(String token) {
        return new EventHubClientBuilder()
                .connectionString("Endpoint=sb://" + hub.hub.hostName() + ";SharedAccessSignature=" + token
                        + ";EntityPath=eh-test-hub;UseDevelopmentEmulator=true")
                .consumerGroup("$Default").retryOptions(FAIL_FAST).buildConsumerClient();
    }

    private static void assertUnauthorized(Runnable call) {
        assertAmqpError(call, AmqpErrorCondition.UNAUTHORIZED_ACCESS);
    }

    /** The SDK's synchronous receiver wraps the link's error; its cause is what the hub said. */
    private static void assertAmqpError(Runnable call, AmqpErrorCondition condition) {
        assertThatThrownBy(call::run).satisfies(thrown -> {
            Throwable cause = thrown;
            while (cause != null && !(cause instanceof AmqpException)) {
                cause = cause.getCause();
            }
            assertThat(cause).as("an AmqpException in %s", thrown).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) cause).getErrorCondition()).isEqualTo(condition);
        });
    }

    private static String amqpDeviceId() {
        return hub.hub.identity().registry().listDevices().stream()
                .map(d -> d.deviceId()).filter(id -> id.startsWith("eh-amqp-device")).findFirst().orElseThrow();
    }
}
