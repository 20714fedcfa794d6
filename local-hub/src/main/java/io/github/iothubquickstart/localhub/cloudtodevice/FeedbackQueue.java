package io.github.iothubquickstart.localhub.cloudtodevice;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The feedback on cloud-to-device messages, held (stored) until a back-end takes it, as IoT Hub's feedback queue: a
 * {@link ServiceBoundQueue} of batches of at most {@value #MAX_BATCH} records, each delivered up to
 * {@value #MAX_DELIVERY_COUNT} times, expiring after the queue's time to live (IoT Hub's
 * {@code feedback.ttlAsIso8601}, one hour by default); at most {@value #MAX_RECORDS} wait. Runs on the thread of the
 * {@link CloudToDeviceQueues}, which alone uses the store.
 */
public final class FeedbackQueue extends ServiceBoundQueue<FeedbackRecord> {
    public static final int MAX_BATCH = 64;
    public static final int MAX_RECORDS = 10_000;
    public static final int MAX_DELIVERY_COUNT = 10;
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);
    /** IoT Hub's {@code feedback.lockDurationAsIso8601} default. */
    public static final Duration LOCK_DURATION = Duration.ofMinutes(1);

    /** @param clock the one the {@link CloudToDeviceQueues} date the records with */
    public FeedbackQueue(CloudToDeviceStore store, ScheduledExecutorService thread, Clock clock, Duration timeToLive) {
        super(feedbackOf(store), thread, clock, new Settings("feedback records", MAX_BATCH, MAX_RECORDS,
                MAX_DELIVERY_COUNT, timeToLive, LOCK_DURATION));
    }

    private static ServiceBoundStore<FeedbackRecord> feedbackOf(CloudToDeviceStore store) {
        return new ServiceBoundStore<>() {
            @Override
            public List<StoredRecord<FeedbackRecord>> oldest(int limit) {
                return store.oldestFeedback(limit);
            }

            @Override
            public void remove(List<Long> ids) {
                store.removeFeedback(ids);
            }

            @Override
            public int expire(long madeAtOrBeforeMillis) {
                return store.expireFeedback(madeAtOrBeforeMillis);
            }

            @Override
            public int trim(int max) {
                return store.trimFeedback(max);
            }
        };
    }
}
