package io.github.iothubquickstart.localhub.cloudtodevice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feedback on cloud-to-device messages, held (stored) until a back-end takes it, as IoT Hub's feedback queue:
 * records go out in batches of at most {@value #MAX_BATCH} to one of the back-ends listening, one batch at a time; a
 * batch accepted is gone, one released comes again, up to {@value #MAX_DELIVERY_COUNT} times. A record expires after
 * the queue's time to live (IoT Hub's {@code feedback.ttlAsIso8601}, one hour by default), counted from when it was
 * made; at most {@value #MAX_RECORDS} records wait, beyond that the oldest are dropped. Runs on the thread of the
 * {@link CloudToDeviceQueues}, which alone uses the store.
 */
public final class FeedbackQueue {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackQueue.class);
    public static final int MAX_BATCH = 64;
    public static final int MAX_RECORDS = 10_000;
    public static final int MAX_DELIVERY_COUNT = 10;
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);

    private final CloudToDeviceStore store;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final Duration timeToLive;
    /** Confined to {@link #thread}. */
    private final List<FeedbackReceiver> receivers = new ArrayList<>();
    private List<Long> inFlight;
    private FeedbackReceiver inFlightTo;
    private long lastBatchId = -1;
    private int lastBatchDeliveries;
    private int nextReceiver;

    /** @param clock the one the {@link CloudToDeviceQueues} date the records with */
    public FeedbackQueue(CloudToDeviceStore store, ScheduledExecutorService thread, Clock clock, Duration timeToLive) {
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("The feedback's time to live must be positive, not " + timeToLive + ".");
        }
        this.store = store;
        this.thread = thread;
        this.clock = clock;
        this.timeToLive = timeToLive;
    }

    /** Drops the records past their time to live; on the thread, from the queues' sweep and before each batch. */
    void expire() {
        int expired = store.expireFeedback(clock.millis() - timeToLive.toMillis());
        if (expired > 0) {
            LOG.info("Dropped {} feedback records no back-end took within their time to live ({})", expired, timeToLive);
        }
    }

    /** Records were stored: bound the queue, and send them if a back-end listens. On the thread. */
    void added() {
        int dropped = store.trimFeedback(MAX_RECORDS);
        if (dropped > 0) {
            LOG.warn("Dropped the {} oldest feedback records: {} wait, and no back-end took them", dropped, MAX_RECORDS);
        }
        pump();
    }

    /** A back-end listens for feedback; it may be sent a batch now. */
    public void receiverReady(FeedbackReceiver receiver) {
        run(() -> {
            receivers.add(receiver);
            pump();
        });
    }

    /** The back-end's link is gone: the batch it held comes again, to whoever listens. */
    public void receiverGone(FeedbackReceiver receiver) {
        run(() -> {
            receivers.remove(receiver);
            if (inFlightTo == receiver) {
                inFlight = null;
                inFlightTo = null;
            }
            pump();
        });
    }

    /** The back-end took the batch: its records are gone. */
    public void accept(FeedbackReceiver receiver, long batchId) {
        settle(receiver, batchId, true);
    }

    /** The back-end gave the batch back: it comes again. */
    public void release(FeedbackReceiver receiver, long batchId) {
        settle(receiver, batchId, false);
    }

    private void settle(FeedbackReceiver receiver, long batchId, boolean accepted) {
        run(() -> {
            if (inFlightTo != receiver || inFlight == null || inFlight.get(0) != batchId) {
                return;
            }
            if (accepted) {
                store.removeFeedback(inFlight);
            }
            inFlight = null;
            inFlightTo = null;
            pump();
        });
    }

    private void pump() {
        if (inFlight != null || receivers.isEmpty()) {
            return;
        }
        expire();
        List<StoredFeedback> batch = store.oldestFeedback(MAX_BATCH);
        if (batch.isEmpty()) {
            return;
        }
        List<Long> ids = batch.stream().map(StoredFeedback::id).toList();
        long batchId = ids.get(0);
        lastBatchDeliveries = batchId == lastBatchId ? lastBatchDeliveries + 1 : 1;
        lastBatchId = batchId;
        if (lastBatchDeliveries > MAX_DELIVERY_COUNT) {
            LOG.warn("Dropped {} feedback records that back-ends released {} times", ids.size(), MAX_DELIVERY_COUNT);
            store.removeFeedback(ids);
            pump();
            return;
        }
        FeedbackReceiver receiver = receivers.get(nextReceiver++ % receivers.size());
        inFlight = ids;
        inFlightTo = receiver;
        receiver.deliver(batchId, batch.stream().map(StoredFeedback::record).toList());
    }

    private void run(Runnable work) {
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("Feedback queue failed: {}", e.getMessage(), e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Feedback not handled: the hub is stopping");
        }
    }
}
