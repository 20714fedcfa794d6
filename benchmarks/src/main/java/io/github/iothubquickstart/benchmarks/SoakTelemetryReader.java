package io.github.iothubquickstart.benchmarks;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.models.EventContext;
import com.azure.messaging.eventhubs.models.EventPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the soak's telemetry with the unmodified {@code EventProcessorClient}, checkpointing every
 * {@value #CHECKPOINT_EVERY} events of a partition into the tool's own store. When the hub is killed the processor
 * resumes from its last checkpoint: what it reads again after that is a duplicate the checkpoints explain, and it
 * records each such rewind with the checkpoint it started from.
 */
final class SoakTelemetryReader implements AutoCloseable {
    static final int CHECKPOINT_EVERY = 25;

    /** One event as the processor handed it over: its partition, its sequence number there, and the device's number. */
    record Read(String partition, long sequenceNumber, long deviceSequence) {
    }

    /**
     * The processor went back on a partition: to {@code from}, having read up to {@code lastRead}, with its last
     * checkpoint at {@code checkpoint} (-1: none yet); {@code resumedAfter} is the checkpoint right before
     * {@code from} (the first event it had read after that checkpoint is {@code from}), -1 if none is.
     */
    record Rewind(String partition, long from, long lastRead, long checkpoint, long resumedAfter) {
        /**
         * It resumed at the first event after one of its checkpoints (the hub's sequence numbers need not be
         * consecutive within a partition), or at the first event before any: the duplicates are what it had read but
         * not checkpointed then. Usually that is the last checkpoint; an older one when the SDK started the new
         * partition pump while the old one was still handing over events it had prefetched and checkpointing them.
         */
        boolean explained() {
            return resumedAfter != -1;
        }
    }

    private final EventProcessorClient processor;
    private final Map<String, List<Read>> readsByDevice = new ConcurrentHashMap<>();
    private final Map<String, Long> lastRead = new HashMap<>();
    private final Map<String, Long> previous = new HashMap<>();
    private final Map<String, List<String>> trace = new HashMap<>();
    private final Map<String, TreeSet<Long>> readSequenceNumbers = new HashMap<>();
    private final Map<String, Long> checkpoints = new HashMap<>();
    private final Map<String, TreeSet<Long>> checkpointHistory = new HashMap<>();
    private final Map<String, Integer> sinceCheckpoint = new HashMap<>();
    private final List<Rewind> rewinds = new CopyOnWriteArrayList<>();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private final boolean keepTrace;

    /** {@code keepTrace}: also keeps every event read, in order, with the pump that read it (for {@link #trace}). */
    SoakTelemetryReader(String eventHubsConnectionString, boolean keepTrace) {
        this.keepTrace = keepTrace;
        this.processor = new EventProcessorClientBuilder()
                .connectionString(eventHubsConnectionString)
                .consumerGroup("$Default")
                .checkpointStore(new MemoryCheckpointStore())
                .loadBalancingUpdateInterval(Duration.ofSeconds(2))
                .partitionOwnershipExpirationInterval(Duration.ofSeconds(10))
                .initialPartitionEventPosition(partition -> EventPosition.earliest())
                .processEvent(this::onEvent)
                .processError(error -> errors.incrementAndGet())
                .buildEventProcessorClient();
    }

    void start() {
        processor.start();
    }

    private void onEvent(EventContext context) {
        EventData event = context.getEventData();
        if (event == null) {
            return;
        }
        String partition = context.getPartitionContext().getPartitionId();
        long sequenceNumber = event.getSequenceNumber();
        events.incrementAndGet();
        boolean checkpoint;
        synchronized (this) {
            Long last = lastRead.get(partition);
            Long before = previous.put(partition, sequenceNumber);
            if (keepTrace) {
                trace.computeIfAbsent(partition, p -> new ArrayList<>()).add(sequenceNumber + " "
                        + Thread.currentThread().getName() + " checkpoint " + checkpoints.get(partition));
            }
            // A rewind starts where the processor goes back; the events after it, up to where it was, are re-reads.
            if (before != null && sequenceNumber <= before) {
                rewinds.add(new Rewind(partition, sequenceNumber, last, checkpoints.getOrDefault(partition, -1L),
                        resumedAfter(partition, sequenceNumber)));
            }
            readSequenceNumbers.computeIfAbsent(partition, p -> new TreeSet<>()).add(sequenceNumber);
            lastRead.put(partition, last == null ? sequenceNumber : Math.max(last, sequenceNumber));
            int count = sinceCheckpoint.merge(partition, 1, Integer::sum);
            checkpoint = count >= CHECKPOINT_EVERY;
        }
        Object device = event.getProperties().get(SoakDevice.DEVICE_PROPERTY);
        Object sequence = event.getProperties().get(SoakDevice.SEQUENCE_PROPERTY);
        if (device == null || sequence == null) {
            foreign.incrementAndGet();
        } else {
            readsByDevice.computeIfAbsent(device.toString(), id -> new CopyOnWriteArrayList<>())
                    .add(new Read(partition, sequenceNumber, Long.parseLong(sequence.toString())));
        }
        if (checkpoint) {
            context.updateCheckpoint();
            synchronized (this) {
                checkpoints.put(partition, sequenceNumber);
                checkpointHistory.computeIfAbsent(partition, p -> new TreeSet<>()).add(sequenceNumber);
                sinceCheckpoint.put(partition, 0);
            }
        }
    }

    /**
     * The checkpoint after which {@code from} is the first event read on the partition: -2 for "before any checkpoint"
     * (from is the first event read), -1 when there is none (a rewind the checkpoints do not explain).
     */
    private long resumedAfter(String partition, long from) {
        TreeSet<Long> read = readSequenceNumbers.get(partition);
        if (read.first() == from) {
            return -2;
        }
        Long before = read.lower(from);
        TreeSet<Long> history = checkpointHistory.getOrDefault(partition, new TreeSet<>());
        return before != null && history.contains(before) ? before : -1;
    }

    /** Everything read of one device's telemetry, in the order the processor handed it over. */
    List<Read> reads(String deviceId) {
        return readsByDevice.getOrDefault(deviceId, List.of());
    }

    synchronized Map<String, List<String>> trace() {
        return new HashMap<>(trace);
    }

    List<Rewind> rewinds() {
        return new ArrayList<>(rewinds);
    }

    long events() {
        return events.get();
    }

    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        processor.stop();
    }
}
