package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where devices' and modules' cloud-to-device queues and the feedback for back-ends are kept, so that both survive a
 * restart of the hub. Used from one thread ({@link CloudToDeviceQueues}'); each method is one transaction, and throws an
 * unchecked exception naming the store when the disk fails.
 */
public interface CloudToDeviceStore extends AutoCloseable {

    /**
     * Queues {@code message} for the device or module (of generation {@code generationId}), numbered after every
     * message queued before; null, with nothing stored, when its queue has {@code maxQueued} messages already.
     */
    QueuedMessage enqueue(IdentityId to, String generationId, OutgoingMessage message, long enqueuedMillis,
                          long expiryMillis, int maxQueued);

    /** The oldest message in the device's or module's queue. */
    Optional<QueuedMessage> oldest(IdentityId identity);

    /** Counts one more delivery of the message. */
    void delivered(long sequenceNumber);

    /** Takes the message out of its queue and, when not null, adds {@code feedback}; false when it was gone. */
    boolean remove(long sequenceNumber, FeedbackRecord feedback);

    /** Up to {@code limit} messages that expired at {@code nowMillis}, oldest first. */
    List<QueuedMessage> expired(long nowMillis, int limit);

    /**
     * Empties the device's or module's queue (a device's purge leaves its modules' queues), adding the feedback
     * {@code feedback} gives for each message (when not empty); the messages removed.
     */
    List<QueuedMessage> purge(IdentityId identity, Function<QueuedMessage, Optional<FeedbackRecord>> feedback);

    /** Up to {@code limit} feedback records, oldest first. */
    List<StoredRecord<FeedbackRecord>> oldestFeedback(int limit);

    /** Forgets the feedback records (taken by a back-end, or dropped). */
    void removeFeedback(List<Long> ids);

    /** How many messages each queue holds, read once when the queues start. */
    List<QueueDepth> queueDepths();

    /** Drops the feedback records made at or before {@code madeAtOrBeforeMillis} (past their time to live); how many. */
    int expireFeedback(long madeAtOrBeforeMillis);

    /** Drops the oldest feedback records beyond the newest {@code max}; how many were dropped. */
    int trimFeedback(int max);

    /** Where the store is, for messages: a file name. */
    String location();

    @Override
    void close();
}
