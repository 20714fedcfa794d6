package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A telemetry journal in memory: numbers messages from 1 in arrival order, keeps them until pruned. */
public final class InMemoryTelemetryStore implements TelemetryStore {
    private final List<TelemetryMessage> messages = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private long lastSequence;
    private boolean closed;

    @Override
    public synchronized List<TelemetryMessage> append(List<IncomingTelemetry> batch) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        List<TelemetryMessage> numbered = new ArrayList<>(batch.size());
        for (IncomingTelemetry message : batch) {
            numbered.add(message.numbered(++lastSequence));
        }
        messages.addAll(numbered);
        batchSizes.add(batch.size());
        return numbered;
    }

    @Override
    public synchronized List<TelemetryMessage> readAfter(long afterSequence, int limit) {
        return messages.stream().filter(m -> m.sequenceNumber() > afterSequence).limit(limit).toList();
    }

    @Override
    public synchronized long lastSequence() {
        return lastSequence;
    }

    @Override
    public synchronized long firstSequenceAtOrAfter(Instant time) {
        return messages.stream().filter(m -> !m.enqueuedTime().isBefore(time)).mapToLong(TelemetryMessage::sequenceNumber)
                .findFirst().orElse(lastSequence + 1);
    }

    @Override
    public synchronized int prune(long maxMessages, Instant notBefore) {
        int before = messages.size();
        messages.removeIf(m -> m.enqueuedTime().isBefore(notBefore));
        while (messages.size() > maxMessages) {
            messages.remove(0);
        }
        return before - messages.size();
    }

    @Override
    public String location() {
        return "memory";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    public synchronized List<TelemetryMessage> stored() {
        return List.copyOf(messages);
    }

    /** The size of each appended batch, in order. */
    public synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
