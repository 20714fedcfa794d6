package io.github.iothubquickstart.localhub.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored telemetry of one partition: pages to read from a position, and what the partition holds now. The hub
 * numbers all its messages in one sequence, so a partition is the messages of its devices in that sequence; a page
 * says how far it scanned, so a reader of a quiet partition does not scan the same messages again. Blocking: call off
 * the event loops.
 */
public final class PartitionedTelemetry {
    /** Messages read from the store per query while looking for a partition's. */
    static final int SCAN_PAGE = 512;
    /** Queries one page may take: a page of a quiet partition ends there, saying how far it got. */
    static final int MAX_SCANS_PER_PAGE = 8;

    private final TelemetryFeed feed;
    private final TelemetryPartitions partitions;

    public PartitionedTelemetry(TelemetryFeed feed, TelemetryPartitions partitions) {
        this.feed = feed;
        this.partitions = partitions;
    }

    public TelemetryPartitions partitions() {
        return partitions;
    }

    public TelemetryFeed feed() {
        return feed;
    }

    /**
     * Up to {@code limit} stored messages of {@code partition} after {@code afterSequence}, oldest first.
     *
     * @param messages     the partition's messages found
     * @param scannedUpTo  every stored message up to this sequence number was looked at (the next page starts after it)
     * @param caughtUp     whether the scan reached the newest stored message
     */
    public record Page(List<TelemetryMessage> messages, long scannedUpTo, boolean caughtUp) {
    }

    public Page read(int partition, long afterSequence, int limit) {
        List<TelemetryMessage> found = new ArrayList<>();
        long position = afterSequence;
        for (int scan = 0; scan < MAX_SCANS_PER_PAGE; scan++) {
            List<TelemetryMessage> stored = feed.storedAfter(position, SCAN_PAGE);
            for (TelemetryMessage message : stored) {
                if (partitions.partitionOf(message.deviceId()) == partition) {
                    found.add(message);
                }
                position = message.sequenceNumber();
                if (found.size() == limit) {
                    return new Page(found, position, false);
                }
            }
            if (stored.size() < SCAN_PAGE) {
                return new Page(found, position, true);
            }
        }
        return new Page(found, position, false);
    }

    /**
     * What {@code partition} holds now, as Event Hubs describes a partition.
     *
     * @param beginSequence the oldest stored message's sequence number (0 when empty, as Event Hubs says)
     * @param lastSequence  the newest one's (-1 when empty)
     * @param lastEnqueued  when the newest arrived (the epoch when empty)
     */
    public record Properties(long beginSequence, long lastSequence, Instant lastEnqueued, boolean empty) {
        static final Properties EMPTY = new Properties(0, -1, Instant.EPOCH, true);
    }

    public Properties properties(int partition) {
        TelemetryMessage oldest = oldest(partition);
        if (oldest == null) {
            return Properties.EMPTY;
        }
        TelemetryMessage newest = newest(partition, oldest);
        return new Properties(oldest.sequenceNumber(), newest.sequenceNumber(), newest.enqueuedTime(), false);
    }

    private TelemetryMessage oldest(int partition) {
        long position = 0;
        while (true) {
            List<TelemetryMessage> stored = feed.storedAfter(position, SCAN_PAGE);
            for (TelemetryMessage message : stored) {
                if (partitions.partitionOf(message.deviceId()) == partition) {
                    return message;
                }
                position = message.sequenceNumber();
            }
            if (stored.size() < SCAN_PAGE) {
                return null;
            }
        }
    }

    /** The newest stored message of the partition, looking back from the newest in windows; {@code oldest} at least. */
    private TelemetryMessage newest(int partition, TelemetryMessage oldest) {
        long oldestSequence = oldest.sequenceNumber();
        long end = feed.lastSequence();
        while (end > oldestSequence) {
            long start = Math.max(oldestSequence - 1, end - SCAN_PAGE);
            TelemetryMessage newest = null;
            for (TelemetryMessage message : feed.storedAfter(start, (int) (end - start))) {
                if (message.sequenceNumber() <= end && partitions.partitionOf(message.deviceId()) == partition) {
                    newest = message;
                }
            }
            if (newest != null) {
                return newest;
            }
            end = start;
        }
        return oldest;
    }
}
