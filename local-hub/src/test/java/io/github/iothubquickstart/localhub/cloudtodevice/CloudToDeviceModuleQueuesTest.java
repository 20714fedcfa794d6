package io.github.iothubquickstart.localhub.cloudtodevice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.storage.SqliteCloudToDeviceStore;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
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

/** A module's cloud-to-device queue: IoT Hub's rules as for a device, kept apart from its device's queue. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloudToDeviceModuleQueuesTest {
    private static final long WAIT_SECONDS = 5;
    private static final IdentityId DEVICE = IdentityId.device("device-1");
    private static final IdentityId MODULE = IdentityId.module("device-1", "module-1");

    @TempDir
    Path directory;
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T08:00:00Z"));
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final LinkedBlockingQueue<FeedbackRecord> feedbackRecords = new LinkedBlockingQueue<>();
    private SqliteCloudToDeviceStore store;
    private FeedbackQueue feedback;
    private CloudToDeviceQueues queues;

    @BeforeEach
    void openQueues() {
        store = SqliteCloudToDeviceStore.open(directory.resolve("cloud-to-device.db"));
        feedback = new FeedbackQueue(store, thread, clock, FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        queues = new CloudToDeviceQueues(store, registry, feedback, thread, clock).start();
        feedback.receiverReady(new ServiceBoundReceiver<FeedbackRecord>() {
            @Override
            public void deliver(long batchId, List<FeedbackRecord> batch) {
                feedbackRecords.addAll(batch);
                feedback.accept(this, batchId);
            }
        });
        registry.createDevice("device-1");
        registry.createModule("device-1", "module-1", null, null, null);
    }

    @AfterEach
    void closeQueues() throws InterruptedException {
        queues.close();
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void aModuleGetsItsOwnMessagesAndItsDeviceOnlyItsOwn() throws Exception {
        RecordingReceiver device = new RecordingReceiver(DEVICE);
        RecordingReceiver module = new RecordingReceiver(MODULE);
        queues.receiverReady(device);
        queues.receiverReady(module);

        queues.send(MODULE, message("to-module", Acknowledgement.FULL)).get();
        queues.send(DEVICE, message("to-device", Acknowledgement.NONE)).get();

        QueuedMessage received = module.next();
        assertThat(received.messageId()).isEqualTo("to-module");
        assertThat(received.identity()).isEqualTo(MODULE);
        assertThat(device.next().messageId()).isEqualTo("to-device");
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).as("the module's message").isNull();
        assertThat(module.delivered.poll(300, TimeUnit.MILLISECONDS)).as("the device's message").isNull();

        queues.complete(module, received.lockToken()).get();
        FeedbackRecord record = feedbackRecords.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        // IoT Hub's feedback record has no module field: it names the device.
        assertThat(record).extracting(FeedbackRecord::originalMessageId, FeedbackRecord::deviceId, FeedbackRecord::status)
                .containsExactly("to-module", "device-1", FeedbackStatus.SUCCESS);
    }

    @Test
    void theDevicesMessageCountIsItsOwnQueueOnly() throws Exception {
        queues.send(MODULE, message("m1", Acknowledgement.NONE)).get();
        queues.send(MODULE, message("m2", Acknowledgement.NONE)).get();
        queues.send(DEVICE, message("d1", Acknowledgement.NONE)).get();

        assertThat(queues.of(registry.findDevice("device-1").orElseThrow())).isEqualTo(1);
    }

    @Test
    void aModuleHasFiftyPlacesOfItsOwnBesideItsDevicesFifty() throws Exception {
        for (int i = 0; i < CloudToDeviceQueues.MAX_QUEUED; i++) {
            queues.send(DEVICE, message("d" + i, Acknowledgement.NONE)).get();
        }
        for (int i = 0; i < CloudToDeviceQueues.MAX_QUEUED; i++) {
            queues.send(MODULE, message("m" + i, Acknowledgement.NONE)).get();
        }

        assertThatThrownBy(() -> queues.send(MODULE, message("m50", Acknowledgement.NONE)).get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CloudToDeviceException.class)
                .hasMessageContaining("Module module-1 of device device-1 has 50");
    }

    @Test
    void anUnknownModuleIsRefused() {
        assertThatThrownBy(() -> queues.send(IdentityId.module("device-1", "nobody"),
                message("m", Acknowledgement.NONE)).get())
                .cause().isInstanceOf(CloudToDeviceException.class)
                .hasMessageContaining("Module nobody of device device-1 is not registered");
    }

    @Test
    void purgingTheDeviceLeavesItsModulesMessages() throws Exception {
        queues.send(DEVICE, message("d1", Acknowledgement.NONE)).get();
        queues.send(MODULE, message("m1", Acknowledgement.NONE)).get();

        assertThat(queues.purge("device-1").get()).isEqualTo(1);

        RecordingReceiver module = new RecordingReceiver(MODULE);
        queues.receiverReady(module);
        assertThat(module.next().messageId()).isEqualTo("m1");
    }

    @Test
    void aModuleDeletedAndCreatedAgainDoesNotGetWhatWasQueuedForTheOldOne() throws Exception {
        queues.send(MODULE, message("for-the-old-module", Acknowledgement.NONE)).get();
        registry.deleteModule("device-1", "module-1");
        clock.advance(java.time.Duration.ofSeconds(1));
        registry.createModule("device-1", "module-1", null, null, null);
        queues.send(MODULE, message("for-the-new-module", Acknowledgement.NONE)).get();

        RecordingReceiver module = new RecordingReceiver(MODULE);
        queues.receiverReady(module);
        assertThat(module.next().messageId()).isEqualTo("for-the-new-module");
    }

    @Test
    void aModulesMessageSurvivesARestart() throws Exception {
        queues.send(MODULE, message("kept", Acknowledgement.NONE)).get();
        queues.close();
        store.close();

        store = SqliteCloudToDeviceStore.open(directory.resolve("cloud-to-device.db"));
        feedback = new FeedbackQueue(store, thread, clock, FeedbackQueue.DEFAULT_TIME_TO_LIVE);
        queues = new CloudToDeviceQueues(store, registry, feedback, thread, clock).start();
        RecordingReceiver device = new RecordingReceiver(DEVICE);
        RecordingReceiver module = new RecordingReceiver(MODULE);
        queues.receiverReady(device);
        queues.receiverReady(module);

        assertThat(module.next().messageId()).isEqualTo("kept");
        assertThat(device.delivered.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(queues.of(registry.findDevice("device-1").orElseThrow())).isZero();
    }

    private static OutgoingMessage message(String messageId, Acknowledgement ack) {
        return new OutgoingMessage(messageId, null, null, null, null, null, ack, Map.of("k", "v"),
                messageId.getBytes(StandardCharsets.UTF_8));
    }
}
