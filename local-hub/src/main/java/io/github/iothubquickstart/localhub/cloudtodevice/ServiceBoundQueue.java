package io.github.iothubquickstart.localhub.cloudtodevice;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records held (stored) until a back-end takes them, as IoT Hub's service-bound queues (cloud-to-device feedback, file
 * upload notifications): records go out in batches of at most {@link Settings#maxBatch} to one of the back-ends
 * listening, one batch at a time; a batch accepted is gone; one released, or not settled within the lock duration,
 * comes again, up to {@link Settings#maxDeliveryCount} deliveries. A record expires after the queue's time to live,
 * counted from when it was made; at most {@link Settings#maxRecords} wait, beyond that the oldest are dropped. Runs on
 * one thread, which alone uses the store.
 */
public class ServiceBoundQueue<R> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBoundQueue.class);

    /**
     * How one queue behaves (IoT Hub's {@code ttlAsIso8601}, {@code lockDurationAsIso8601}, {@code maxDeliveryCount}).
     *
     * @param name for log lines ("feedback records", "file upload notifications")
     */
    public record Settings(String name, int maxBatch, int maxRecords, int maxDeliveryCount, Duration timeToLive,
                           Duration lockDuration) {
        public Settings {
            if (timeToLive.isNegative() || timeToLive.isZero()) {
                throw new IllegalArgumentException("The " + name + "' time to live must be positive, not "
                        + timeToLive + ".");
            }
            if (lockDuration.isNegative() || lockDuration.isZero()) {
                throw new IllegalArgumentException("The " + name + "' lock duration must be positive, not "
                        + lockDuration + ".");
            }
        }
    }

    private final ServiceBoundStore<R> store;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final Settings settings;
    /** Confined to {@link #thread}. */
    private final List<ServiceBoundReceiver<R>> receivers = new ArrayList<>();
    private List<Long> inFlight;
    private ServiceBoundReceiver<R> inFlightTo;
    private ScheduledFuture<?> lock;
    private long lastBatchId = -1;
    private int lastBatchDeliveries;
    private int nextReceiver;

    /** @param clock the one the records are dated with */
    public ServiceBoundQueue(ServiceBoundStore<R> store, ScheduledExecutorService thread, Clock clock,
                             Settings settings) {
        this.store = store;
        this.thread = thread;
        this.clock = clock;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Drops the records past their time to live; on the thread, from a sweep and before each batch. */
    public void expire() {
        int expired = store.expire(clock.millis() - settings.timeToLive().toMillis());
        if (expired > 0) {
            LOG.info("Dropped {} {} no back-end took within their time to live ({})", expired, settings.name(),
                    settings.timeToLive());
        }
    }

    /** Records were stored: bound the queue, and send them if a back-end listens. On the thread. */
    public void added() {
        int dropped = store.trim(settings.maxRecords());
        if (dropped > 0) {
            LOG.warn("Dropped the {} oldest {}: {} wait, and no back-end took them", dropped, settings.name(),
                    settings.maxRecords());
        }
        pump();
    }

    /** A back-end listens; it may be sent a batch now. */
    public void receiverReady(ServiceBoundReceiver<R> receiver) {
        run(() -> {
            receivers.add(receiver);
            pump();
        });
    }

    /** The back-end's link is gone: the batch it held comes again, to whoever listens. */
    public void receiverGone(ServiceBoundReceiver<R> receiver) {
        run(() -> {
            receivers.remove(receiver);
            if (inFlightTo == receiver) {
                unlock();
            }
            pump();
        });
    }

    /** The back-end took the batch: its records are gone. */
    public void accept(ServiceBoundReceiver<R> receiver, long batchId) {
        settle(receiver, batchId, true);
    }

    /** The back-end gave the batch back: it comes again. */
    public void release(ServiceBoundReceiver<R> receiver, long batchId) {
        settle(receiver, batchId, false);
    }

    private void settle(ServiceBoundReceiver<R> receiver, long batchId, boolean accepted) {
        run(() -> {
            if (inFlightTo != receiver || inFlight == null || inFlight.get(0) != batchId) {
                return;
            }
            if (accepted) {
                store.remove(inFlight);
            }
            unlock();
            pump();
        });
    }

    private void unlock() {
        inFlight = null;
        inFlightTo = null;
        if (lock != null) {
            lock.cancel(false);
            lock = null;
        }
    }

    private void pump() {
        if (inFlight != null || receivers.isEmpty()) {
            return;
        }
        expire();
        List<StoredRecord<R>> batch = store.oldest(settings.maxBatch());
        if (batch.isEmpty()) {
            return;
        }
        List<Long> ids = batch.stream().map(StoredRecord::id).toList();
        long batchId = ids.get(0);
        lastBatchDeliveries = batchId == lastBatchId ? lastBatchDeliveries + 1 : 1;
        lastBatchId = batchId;
        if (lastBatchDeliveries > settings.maxDeliveryCount()) {
            LOG.warn("Dropped {} {} that back-ends released {} times", ids.size(), settings.name(),
                    settings.maxDeliveryCount());
            store.remove(ids);
            pump();
            return;
        }
        ServiceBoundReceiver<R> receiver = receivers.get(nextReceiver++ % receivers.size());
        inFlight = ids;
        inFlightTo = receiver;
        int delivery = lastBatchDeliveries;
        lock = thread.schedule(() -> lapse(batchId, delivery), settings.lockDuration().toMillis(),
                TimeUnit.MILLISECONDS);
        receiver.deliver(batchId, batch.stream().map(StoredRecord::record).toList());
    }

    /** The back-end held the batch past its lock without settling it: it comes again, as IoT Hub's lock lost. */
    private void lapse(long batchId, int delivery) {
        if (inFlight == null || inFlight.get(0) != batchId || lastBatchDeliveries != delivery) {
            return;
        }
        LOG.info("A back-end held {} past their lock ({}); they come again", settings.name(),
                settings.lockDuration());
        unlock();
        pump();
    }

    /** Runs {@code work} on the queue's thread; false, and nothing done, when the hub is stopping. */
    protected final boolean run(Runnable work) {
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("The queue of {} failed: {}", settings.name(), e.getMessage(), e);
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            LOG.debug("The queue of {} did not act: the hub is stopping", settings.name());
            return false;
        }
    }
}
