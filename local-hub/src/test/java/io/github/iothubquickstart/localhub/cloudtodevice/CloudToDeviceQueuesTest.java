package io.github.iothubquickstart.localhub.cloudtodevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.storage.SqliteCloudToDeviceStore;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cloud-to-device queues' rules, against a store in a temporary file and fake receivers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloudToDeviceQueuesTest {
    private static final long WAIT_SECONDS = 5;

    @TempDir
    Path directory;
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T08:00:00Z"));
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final FakeFeedbackReceiver feedbackReceiver = new FakeFeedbackReceiver();
    private SqliteCloudToDeviceStore store;
    private FeedbackQueue feedback;
    private CloudToDeviceQueues queues;

    @BeforeEach
    void openQueues() {
        store = SqliteCloudToDeviceStore.open(directory.resolve("cloud-to-device.db"));
        feedback = new FeedbackQueue(store, thread, clock, FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        queues = new CloudToDeviceQueues(store, registry, feedback, thread, clock).start();
        feedback.receiverReady(feedbackReceiver);
        registry.createDevice("device-1");
    }

    @AfterEach
    void closeQueues() throws InterruptedException {
        queues.close();
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void aMessageAbandonedTenTimesIsDeadLetteredWithDeliveryCountExceeded() throws Exception {
        queues.send("device-1", message("m1", Acknowledgement.FULL)).get();
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);

        // IoT Hub's maximum delivery count.
        for (int delivery = 1; delivery <= 10; delivery++) {
            QueuedMessage received = device.next();
            assertThat(received.messageId()).isEqualTo("m1");
            assertThat(received.deliveryCount()).isEqualTo(delivery);
            queues.abandon(device, received.sequenceNumber());
        }

        assertThat(feedbackReceiver.next().status()).isEqualTo(FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).as("no eleventh delivery").isNull();
    }

    @Test
    void feedbackComesOnlyForTheOutcomesTheAckAskedFor() throws Exception {
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        queues.send("device-1", message("positive-completed", Acknowledgement.POSITIVE)).get();
        queues.complete(device, device.next().sequenceNumber());
        queues.send("device-1", message("negative-completed", Acknowledgement.NEGATIVE)).get();
        queues.complete(device, device.next().sequenceNumber());
        queues.send("device-1", message("positive-rejected", Acknowledgement.POSITIVE)).get();
        queues.reject(device, device.next().sequenceNumber());
        queues.send("device-1", message("none-rejected", Acknowledgement.NONE)).get();
        queues.reject(device, device.next().sequenceNumber());
        queues.send("device-1", message("negative-rejected", Acknowledgement.NEGATIVE)).get();
        queues.reject(device, device.next().sequenceNumber());

        assertThat(feedbackReceiver.next()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly("positive-completed", FeedbackStatus.SUCCESS);
        assertThat(feedbackReceiver.next()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly("negative-rejected", FeedbackStatus.REJECTED);
        assertThat(feedbackReceiver.records.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aMessageThatExpiresInTheQueueIsNeverDeliveredAndGivesExpiredFeedback() throws Exception {
        QueuedMessage queued = queues.send("device-1", message("short", Acknowledgement.NEGATIVE)).get();
        assertThat(queued.expiryMillis() - queued.enqueuedMillis())
                .isEqualTo(CloudToDeviceQueues.DEFAULT_TIME_TO_LIVE.toMillis());

        clock.advance(Duration.ofHours(1));

        FeedbackRecord record = feedbackReceiver.next();
        assertThat(record.originalMessageId()).isEqualTo("short");
        assertThat(record.status()).isEqualTo(FeedbackStatus.EXPIRED);
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void anExpiryBeyond48HoursIsCutTo48Hours() throws Exception {
        OutgoingMessage farFuture = new OutgoingMessage("far", null, null, null, null,
                clock.instant().plus(Duration.ofDays(30)), Acknowledgement.NONE, Map.of(), new byte[0]);
        QueuedMessage queued = queues.send("device-1", farFuture).get();
        assertThat(queued.expiryMillis() - queued.enqueuedMillis())
                .isEqualTo(CloudToDeviceQueues.MAX_TIME_TO_LIVE.toMillis());
    }

    @Test
    void theFiftyFirstMessageIsRefusedAndNothingOfItIsKept() throws Exception {
        for (int i = 0; i < 50; i++) {
            queues.send("device-1", message("m" + i, Acknowledgement.NONE)).get();
        }
        assertThatThrownBy(() -> queues.send("device-1", message("one-too-many", Acknowledgement.NONE)).get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(CloudToDeviceException.class,
                        e -> assertThat(e.reason()).isEqualTo(CloudToDeviceException.Reason.QUEUE_FULL));
        assertThat(queues.purge("device-1").get()).isEqualTo(50);
    }

    @Test
    void purgingGivesPurgedFeedbackWhereTheAckAsksAndTheDeviceGetsNothingOfIt() throws Exception {
        queues.send("device-1", message("purged-full", Acknowledgement.FULL)).get();
        queues.send("device-1", message("purged-positive", Acknowledgement.POSITIVE)).get();

        assertThat(queues.purge("device-1").get()).isEqualTo(2);

        assertThat(feedbackReceiver.next()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly("purged-full", FeedbackStatus.PURGED);
        assertThat(feedbackReceiver.records.poll(300, TimeUnit.MILLISECONDS)).isNull();
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aDeviceDeletedAndCreatedAgainDoesNotGetWhatWasQueuedForTheOldOne() throws Exception {
        queues.send("device-1", message("for-the-old-device", Acknowledgement.NONE)).get();
        registry.deleteDevice("device-1");
        clock.advance(Duration.ofSeconds(1));
        registry.createDevice("device-1");
        queues.send("device-1", message("for-the-new-device", Acknowledgement.NONE)).get();

        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        assertThat(device.next().messageId()).isEqualTo("for-the-new-device");
    }

    @Test
    void whatADeviceHeldWhenItLeftComesAgainToItsNextConnection() throws Exception {
        queues.send("device-1", message("held", Acknowledgement.NONE)).get();
        RecordingReceiver first = new RecordingReceiver("device-1");
        queues.receiverReady(first);
        QueuedMessage held = first.next();

        queues.receiverGone(first);
        RecordingReceiver second = new RecordingReceiver("device-1");
        queues.receiverReady(second);

        QueuedMessage again = second.next();
        assertThat(again.messageId()).isEqualTo("held");
        assertThat(again.deliveryCount()).isEqualTo(2);
        // The answer of the connection that left changes nothing.
        queues.complete(first, held.sequenceNumber());
        queues.complete(second, again.sequenceNumber());
        assertThat(queues.purge("device-1").get()).isZero();
    }

    @Test
    void releasedFeedbackComesAgainAndAcceptedFeedbackIsGone() throws Exception {
        feedbackReceiver.holdBatches = true;
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        queues.send("device-1", message("m1", Acknowledgement.FULL)).get();
        queues.complete(device, device.next().sequenceNumber());
        FeedbackRecord first = feedbackReceiver.next();

        feedback.release(feedbackReceiver, feedbackReceiver.lastBatchId);
        assertThat(feedbackReceiver.next()).isEqualTo(first);
        feedback.accept(feedbackReceiver, feedbackReceiver.lastBatchId);
        assertThat(feedbackReceiver.records.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void feedbackNobodyTakesIsBoundedAtTenThousandRecordsDroppingTheOldest() throws Exception {
        feedback.receiverGone(feedbackReceiver);
        // 201 full queues purged with ack=full: 10,050 "purged" records and no back-end listening.
        for (int round = 0; round <= FeedbackQueue.MAX_RECORDS / CloudToDeviceQueues.MAX_QUEUED; round++) {
            for (int i = 0; i < CloudToDeviceQueues.MAX_QUEUED; i++) {
                queues.send("device-1", message("r" + round + "-m" + i, Acknowledgement.FULL));
            }
            assertThat(queues.purge("device-1").get()).isEqualTo(CloudToDeviceQueues.MAX_QUEUED);
        }

        feedback.receiverReady(feedbackReceiver);

        assertThat(feedbackReceiver.next().originalMessageId()).as("the oldest 50 were dropped").isEqualTo("r1-m0");
        for (int taken = 1; taken < FeedbackQueue.MAX_RECORDS; taken++) {
            assertThat(feedbackReceiver.next().status()).isEqualTo(FeedbackStatus.PURGED);
        }
        assertThat(feedbackReceiver.records.poll(300, TimeUnit.MILLISECONDS)).as("no record beyond 10,000").isNull();
    }

    @Test
    void aMessageHeldPastTheOneMinuteLockComesAgainAndTheLateAnswerSettlesNothing() throws Exception {
        queues.send("device-1", message("held", Acknowledgement.FULL)).get();
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        QueuedMessage first = device.next();
        assertThat(first.deliveryCount()).isEqualTo(1);

        clock.advance(CloudToDeviceQueues.DEFAULT_LOCK_TIMEOUT.minusSeconds(1));
        assertThat(device.delivered.poll(1_500, TimeUnit.MILLISECONDS)).as("still locked at 59 s").isNull();
        clock.advance(Duration.ofSeconds(1));

        assertThat(queues.complete(device, first.lockToken()).get()).as("the lapsed lock is lost").isFalse();
        QueuedMessage again = device.next();
        assertThat(again.messageId()).isEqualTo("held");
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(queues.complete(device, again.lockToken()).get()).isTrue();
        assertThat(feedbackReceiver.next()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly("held", FeedbackStatus.SUCCESS);
        assertThat(queues.purge("device-1").get()).isZero();
    }

    @Test
    void theLockTimeoutIsTheOneTheQueuesWereGiven() throws Exception {
        queues.close();
        queues = new CloudToDeviceQueues(store, registry, feedback, thread, clock, Duration.ofSeconds(5)).start();
        queues.send("device-1", message("held", Acknowledgement.NONE)).get();
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        device.next();

        clock.advance(Duration.ofSeconds(5));

        assertThat(device.next().deliveryCount()).isEqualTo(2);
    }

    @Test
    void aMessageWhoseLockLapsesTenTimesIsDeadLetteredWithDeliveryCountExceeded() throws Exception {
        queues.send("device-1", message("never-answered", Acknowledgement.NEGATIVE)).get();
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);

        for (int delivery = 1; delivery <= CloudToDeviceQueues.MAX_DELIVERY_COUNT; delivery++) {
            assertThat(device.next().deliveryCount()).isEqualTo(delivery);
            clock.advance(CloudToDeviceQueues.DEFAULT_LOCK_TIMEOUT);
        }

        assertThat(feedbackReceiver.next()).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::status)
                .containsExactly("never-answered", FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).as("no eleventh delivery").isNull();
    }

    @Test
    void cloudToDeviceMessageCountIsWhatIsQueuedAndNotYetSettledTheHeldOneIncluded() throws Exception {
        DeviceIdentity device1 = registry.findDevice("device-1").orElseThrow();
        assertThat(queues.of(device1)).isZero();
        queues.send("device-1", message("m1", Acknowledgement.NONE)).get();
        queues.send("device-1", message("m2", Acknowledgement.NONE)).get();
        assertThat(queues.of(device1)).isEqualTo(2);

        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        QueuedMessage held = device.next();
        assertThat(queues.of(device1)).as("held, not settled").isEqualTo(2);
        assertThat(queues.complete(device, held.lockToken()).get()).isTrue();
        assertThat(queues.of(device1)).isEqualTo(1);
        assertThat(queues.reject(device, device.next().lockToken()).get()).isTrue();
        assertThat(queues.of(device1)).isZero();

        queues.send("device-1", message("m3", Acknowledgement.NONE)).get();
        queues.purge("device-1").get();
        assertThat(queues.of(device1)).isZero();
    }

    @Test
    void cloudToDeviceMessageCountSurvivesARestartAndIsPerDeviceGeneration() throws Exception {
        queues.send("device-1", message("for-the-old-device", Acknowledgement.NONE)).get();
        registry.deleteDevice("device-1");
        clock.advance(Duration.ofSeconds(1));
        DeviceIdentity renewed = registry.createDevice("device-1");
        registry.createDevice("device-2");
        queues.send("device-2", message("m1", Acknowledgement.NONE)).get();
        queues.send("device-2", message("m2", Acknowledgement.NONE)).get();
        assertThat(queues.of(renewed)).as("the old device's message is not the new one's").isZero();

        queues.close();
        CloudToDeviceQueues restarted = new CloudToDeviceQueues(store, registry, feedback, thread, clock).start();
        try {
            assertThat(restarted.of(registry.findDevice("device-2").orElseThrow())).isEqualTo(2);
            assertThat(restarted.of(renewed)).isZero();
        } finally {
            restarted.close();
        }
    }

    @Test
    void feedbackNobodyTakesWithinAnHourExpiresEvenAcrossARestart() throws Exception {
        feedback.receiverGone(feedbackReceiver);
        RecordingReceiver device = new RecordingReceiver("device-1");
        queues.receiverReady(device);
        queues.send("device-1", message("old", Acknowledgement.FULL)).get();
        queues.complete(device, device.next().lockToken()).get();
        clock.advance(Duration.ofMinutes(30));
        queues.send("device-1", message("newer", Acknowledgement.FULL)).get();
        queues.complete(device, device.next().lockToken()).get();
        queues.close();
        store.close();

        clock.advance(Duration.ofMinutes(30));
        store = SqliteCloudToDeviceStore.open(directory.resolve("cloud-to-device.db"));
        feedback = new FeedbackQueue(store, thread, clock, FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        queues = new CloudToDeviceQueues(store, registry, feedback, thread, clock).start();
        feedback.receiverReady(feedbackReceiver);

        assertThat(feedbackReceiver.next().originalMessageId()).as("30 minutes old").isEqualTo("newer");
        assertThat(feedbackReceiver.records.poll(300, TimeUnit.MILLISECONDS)).as("an hour old: expired").isNull();
    }

    @Test
    void aReceiverThatTakesOneHoldsTheDevicesOnlyMessageInFlightUntilItSettlesIt() throws Exception {
        queues.send("device-1", message("first", Acknowledgement.NONE)).get();
        queues.send("device-1", message("second", Acknowledgement.NONE)).get();
        RecordingReceiver https = new RecordingReceiver("device-1");

        QueuedMessage first = queues.takeOne(https).get().orElseThrow();
        assertThat(first.messageId()).isEqualTo("first");
        assertThat(first.deliveryCount()).isEqualTo(1);
        RecordingReceiver mqtt = new RecordingReceiver("device-1");
        queues.receiverReady(mqtt);
        assertThat(queues.takeOne(new RecordingReceiver("device-1")).get()).as("one message in flight per device").isEmpty();
        assertThat(mqtt.delivered.poll(300, TimeUnit.MILLISECONDS)).as("nor to the device's other receiver").isNull();

        assertThat(queues.complete(new RecordingReceiver("device-1"), first.sequenceNumber()).get())
                .as("only the receiver that holds it settles it").isFalse();
        assertThat(queues.complete(https, first.sequenceNumber()).get()).isTrue();
        assertThat(queues.complete(https, first.sequenceNumber()).get()).as("settled once").isFalse();
        assertThat(mqtt.next().messageId()).as("the device's standing receiver gets the next").isEqualTo("second");
    }

    @Test
    void takingOneFromAnEmptyQueueIsEmpty() throws Exception {
        assertThat(queues.takeOne(new RecordingReceiver("device-1")).get()).isEmpty();
    }

    @Test
    void aMessageTakenOneAtATimeAndHeldPastTheLockIsTakenBackAndItsLockIsLost() throws Exception {
        queues.send("device-1", message("polled", Acknowledgement.NONE)).get();
        RecordingReceiver https = new RecordingReceiver("device-1");
        QueuedMessage first = queues.takeOne(https).get().orElseThrow();

        clock.advance(CloudToDeviceQueues.DEFAULT_LOCK_TIMEOUT);

        assertThat(queues.complete(https, first.sequenceNumber()).get()).as("the lapsed lock is lost").isFalse();
        QueuedMessage again = queues.takeOne(new RecordingReceiver("device-1")).get().orElseThrow();
        assertThat(again.messageId()).isEqualTo("polled");
        assertThat(again.deliveryCount()).isEqualTo(2);
    }

    private static OutgoingMessage message(String messageId, Acknowledgement ack) {
        return new OutgoingMessage(messageId, null, null, null, null, null, ack, Map.of("k", "v"),
                messageId.getBytes(StandardCharsets.UTF_8));
    }


    /** Accepts each batch at once, or holds it for the test to settle when {@code holdBatches}. */
    private final class FakeFeedbackReceiver implements ServiceBoundReceiver<FeedbackRecord> {
        final LinkedBlockingQueue<FeedbackRecord> records = new LinkedBlockingQueue<>();
        volatile long lastBatchId = -1;
        volatile boolean holdBatches;

        @Override
        public void deliver(long batchId, List<FeedbackRecord> batch) {
            lastBatchId = batchId;
            records.addAll(new ArrayList<>(batch));
            if (!holdBatches) {
                feedback.accept(this, batchId);
            }
        }

        FeedbackRecord next() throws InterruptedException {
            FeedbackRecord record = records.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(record).as("a feedback record").isNotNull();
            return record;
        }
    }
}
