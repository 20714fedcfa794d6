package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.models.CloseReason;
import com.azure.messaging.eventhubs.models.ErrorContext;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unmodified {@code EventProcessorClient} of azure-messaging-eventhubs against the hub's Event Hubs-compatible
 * endpoint, with a checkpoint store in memory: it reads every message of two devices in different partitions,
 * checkpoints, and after a restart resumes from its checkpoints without reading anything twice; two processors
 * sharing a store split the partitions, and the one that loses a partition stops reading it (the hub disconnects its
 * receiver when the new owner's attaches with the same owner level, as Event Hubs does).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventProcessorClientTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TelemetryPartitions PARTITIONS = new TelemetryPartitions(2);

    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.hubName("processor-hub")
            .consumerGroups(List.of("restarts", "balance"))).build();
    static String firstDevice;
    static String secondDevice;
    static DeviceClient first;
    static DeviceClient second;

    /** One event as a processor handed it to the application. */
    record Processed(String processor, String partition, long sequenceNumber, String body) {
    }

    @BeforeAll
    static void setUp() throws Exception {
        firstDevice = hub.registerDevice("processor-device-a");
        String other = "processor-device-b";
        for (int i = 0; PARTITIONS.partitionOf(other) == PARTITIONS.partitionOf(firstDevice); i++) {
            other = "processor-device-b" + i;
        }
        secondDevice = hub.registerDevice(other);
        first = hub.device(firstDevice, IotHubClientProtocol.MQTT);
        second = hub.device(secondDevice, IotHubClientProtocol.MQTT);
        first.open(false);
        second.open(false);
    }

    @Test
    void aRestartedProcessorResumesFromItsCheckpointsWithoutDuplicates() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        List<String> before = new ArrayList<>(send(first, "restart-before", 5));
        before.addAll(send(second, "restart-before", 5));

        // The hub keeps what other tests sent too: this test counts its own messages.
        List<Processed> firstRun = new OwnMessages("restart-");
        EventProcessorClient processor = processor("first-run", "restarts", store, firstRun, new CopyOnWriteArrayList<>());
        processor.start();
        try {
            await(() -> firstRun.size() >= before.size(), "the first run reads what was sent");
        } finally {
            processor.stop();
        }
        assertThat(firstRun).extracting(Processed::body).containsExactlyInAnyOrderElementsOf(before);
        assertInPartitionOrder(firstRun);
        for (String partition : List.of(partitionOf(firstDevice), partitionOf(secondDevice))) {
            long last = firstRun.stream().filter(p -> p.partition().equals(partition))
                    .mapToLong(Processed::sequenceNumber).max().orElseThrow();
            assertThat(store.checkpoint(partition).getSequenceNumber()).isEqualTo(last);
        }

        List<String> after = new ArrayList<>(send(first, "restart-after", 3));
        after.addAll(send(second, "restart-after", 3));
        List<Processed> secondRun = new OwnMessages("restart-");
        processor = processor("second-run", "restarts", store, secondRun, new CopyOnWriteArrayList<>());
        processor.start();
        try {
            await(() -> secondRun.size() >= after.size(), "the second run reads what was sent while it was stopped");
            // Read in order per partition: anything read twice would come before these.
            List<String> markers = new ArrayList<>(send(first, "restart-marker", 1));
            markers.addAll(send(second, "restart-marker", 1));
            after.addAll(markers);
            await(() -> secondRun.stream().map(Processed::body).toList().containsAll(markers), "the markers arrive");
        } finally {
            processor.stop();
        }
        assertThat(secondRun).extracting(Processed::body).containsExactlyInAnyOrderElementsOf(after);
        assertInPartitionOrder(secondRun);
    }

    @Test
    void twoProcessorsSharingAStoreSplitThePartitionsAndNeverBothReadOne() throws Exception {
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        List<Processed> processed = new CopyOnWriteArrayList<>();
        List<String> lost = new CopyOnWriteArrayList<>();
        EventProcessorClient alone = processor("alone", "balance", store, processed, lost);
        EventProcessorClient joining = processor("joining", "balance", store, processed, lost);
        alone.start();
        try {
            String aloneId = alone.getIdentifier();
            String joiningId = joining.getIdentifier();
            await(() -> store.owners().equals(Map.of("0", aloneId, "1", aloneId)), "the first processor owns both");
            List<String> early = new ArrayList<>(send(first, "early", 2));
            early.addAll(send(second, "early", 2));
            await(() -> processed.stream().map(Processed::body).toList().containsAll(early), "the owner reads");

            joining.start();
            // The newcomer claims one partition in the store and attaches with the same owner level: the hub
            // disconnects the previous owner's receiver, and its processor closes the partition as lost.
            await(() -> !lost.isEmpty(), "the previous owner is told it lost a partition");
            await(() -> store.owners().values().stream().distinct().count() == 2, "each owns one partition");
            String taken = lost.get(0);
            assertThat(store.owners()).containsEntry(taken, joiningId);

            List<String> later = new ArrayList<>(send(first, "later", 5));
            later.addAll(send(second, "later", 5));
            await(() -> processed.stream().map(Processed::body).toList().containsAll(later), "both partitions read");
            List<String> markers = new ArrayList<>(send(first, "marker", 1));
            markers.addAll(send(second, "marker", 1));
            await(() -> processed.stream().map(Processed::body).toList().containsAll(markers), "the markers arrive");

            List<Processed> afterBalance = processed.stream()
                    .filter(p -> p.body().startsWith("later") || p.body().startsWith("marker")).toList();
            assertThat(afterBalance).extracting(Processed::body).doesNotHaveDuplicates()
                    .hasSize(later.size() + markers.size());
            Map<String, String> names = Map.of(aloneId, "alone", joiningId, "joining");
            afterBalance.forEach(p -> assertThat(p.processor()).as("who read %s", p)
                    .isEqualTo(names.get(store.owners().get(p.partition()))));
        } finally {
            joining.stop();
            alone.stop();
        }
    }

    /** What a processor read of the messages whose body starts with a prefix: those one test sent. */
    private static final class OwnMessages extends CopyOnWriteArrayList<Processed> {
        private final String prefix;

        OwnMessages(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public boolean add(Processed processed) {
            return processed.body().startsWith(prefix) && super.add(processed);
        }
    }

    private static EventProcessorClient processor(String name, String consumerGroup, InMemoryCheckpointStore store,
                                                  List<Processed> processed, List<String> lostPartitions) {
        List<ErrorContext> errors = new CopyOnWriteArrayList<>();
        return new EventProcessorClientBuilder()
                .connectionString(hub.hub.eventHubsConnectionString("service", false))
                .consumerGroup(consumerGroup)
                .checkpointStore(store)
                .loadBalancingUpdateInterval(Duration.ofSeconds(1))
                .partitionOwnershipExpirationInterval(Duration.ofSeconds(10))
                .initialPartitionEventPosition(partition -> EventPosition.earliest())
                .processEvent(context -> {
                    processed.add(new Processed(name, context.getPartitionContext().getPartitionId(),
                            context.getEventData().getSequenceNumber(), context.getEventData().getBodyAsString()));
                    context.updateCheckpoint();
                })
                .processPartitionClose(context -> {
                    if (context.getCloseReason() == CloseReason.LOST_PARTITION_OWNERSHIP) {
                        lostPartitions.add(context.getPartitionContext().getPartitionId());
                    }
                })
                .processError(errors::add)
                .buildEventProcessorClient();
    }

    /** Sends {@code count} messages and returns their bodies. */
    private static List<String> send(DeviceClient device, String label, int count) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = label + "-" + device.getConfig().getDeviceId() + "-" + i + "-" + System.nanoTime();
            device.sendEvent(new Message(body.getBytes(StandardCharsets.UTF_8)));
            bodies.add(body);
        }
        return bodies;
    }

    private static void assertInPartitionOrder(List<Processed> processed) {
        for (String partition : PARTITIONS.ids()) {
            assertThat(processed.stream().filter(p -> p.partition().equals(partition))
                    .map(Processed::sequenceNumber).toList()).isSorted().doesNotHaveDuplicates();
        }
    }

    private static String partitionOf(String deviceId) {
        return Integer.toString(PARTITIONS.partitionOf(deviceId));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        TestHub.awaitThat(condition, WAIT, what);
    }
}
