package io.github.iothubquickstart.localhub.telemetry;

import java.time.Instant;
import java.util.List;

/**
 * Where accepted telemetry is kept for replay. Appends are serialised (from any thread); reads may come from other
 * threads at the same time. Sequence numbers are dense and increasing; enqueued times never decrease along them.
 * Every method throws an unchecked exception naming the store when the disk fails.
 */
public interface TelemetryStore extends AutoCloseable {

    /** Stores the batch in one transaction, numbering the messages in arrival order; all or nothing. */
    List<TelemetryMessage> append(List<IncomingTelemetry> batch);

    /** Up to {@code limit} stored messages with a sequence number above {@code afterSequence}, oldest first. */
    List<TelemetryMessage> readAfter(long afterSequence, int limit);

    /** The sequence number of the newest message ever stored, pruned or not; 0 before the first. */
    long lastSequence();

    /**
     * The sequence number of the oldest stored message enqueued at or after {@code time}; {@link #lastSequence()} + 1
     * when none is. Messages are numbered as they arrive, so every message after it is as new.
     */
    long firstSequenceAtOrAfter(Instant time);

    /** Deletes what retention no longer covers: beyond the newest {@code maxMessages}, or older than {@code notBefore}. */
    int prune(long maxMessages, Instant notBefore);

    /** Where the store is, for messages: a file or directory name. */
    String location();

    @Override
    void close();
}
