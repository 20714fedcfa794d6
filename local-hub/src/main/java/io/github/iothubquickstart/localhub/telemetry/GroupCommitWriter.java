package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores telemetry in batches: one thread takes everything that queued up while the previous commit ran and
 * writes it in one transaction (group commit), so the cost of a commit is shared by every message in it. A
 * message's future completes only after its batch is on disk: the hub acknowledges nothing it could lose.
 */
final class GroupCommitWriter implements TelemetryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private final StoreFailureLog failures = new StoreFailureLog(LOG, Clock.systemUTC());
    static final int MAX_BATCH = 2_048;

    private record Pending(IncomingTelemetry message, CompletableFuture<TelemetryMessage> stored) {
    }

    private final TelemetryStore store;
    private final Consumer<List<TelemetryMessage>> onCommitted;
    private final BlockingQueue<Pending> queue;
    private final long maxQueuedBytes;
    /** Bodies waiting for a commit or in one: with the count, what bounds the heap this writer holds. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param queueCapacity  messages that may wait for a commit; past it new ones are refused, which makes the
     *                       device retry later instead of the hub buffering without bound
     * @param maxQueuedBytes the same bound on the bytes of their bodies (one message is always let in)
     */
    GroupCommitWriter(TelemetryStore store, int queueCapacity, long maxQueuedBytes,
                      Consumer<List<TelemetryMessage>> onCommitted) {
        this.store = store;
        this.onCommitted = onCommitted;
        this.maxQueuedBytes = maxQueuedBytes;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "telemetry-group-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public CompletableFuture<TelemetryMessage> write(IncomingTelemetry message) {
        CompletableFuture<TelemetryMessage> stored = new CompletableFuture<>();
        Pending pending = new Pending(message, stored);
        int size = message.body().length;
        long bytes = queuedBytes.addAndGet(size);
        if (bytes > maxQueuedBytes && bytes > size) {
            queuedBytes.addAndGet(-size);
            stored.completeExceptionally(new RejectedExecutionException("the telemetry journal is busy (" + (bytes - size)
                    + " bytes waiting)"));
            return stored;
        }
        if (!running || !queue.offer(pending)) {
            queuedBytes.addAndGet(-size);
            stored.completeExceptionally(new RejectedExecutionException(
                    running ? "the telemetry journal is busy (" + queue.size() + " messages waiting)" : "the hub is stopping"));
        } else if (!running && queue.remove(pending)) {
            queuedBytes.addAndGet(-size);
            // close() ran between the check and the offer, and may have drained the queue already: nothing would
            // ever store this message, so it is refused rather than left waiting.
            stored.completeExceptionally(new RejectedExecutionException("the hub is stopping"));
        }
        return stored;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<IncomingTelemetry> messages = new ArrayList<>(batch.size());
        batch.forEach(pending -> messages.add(pending.message()));
        List<TelemetryMessage> stored;
        try {
            stored = store.append(messages);
        } catch (RuntimeException e) {
            release(batch);
            failures.failed(batch.size(), batch.size() + " telemetry messages", store.location(), e);
            batch.forEach(pending -> pending.stored().completeExceptionally(e));
            return;
        }
        release(batch);
        failures.stored(store.location());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).stored().complete(stored.get(i));
        }
        onCommitted.accept(stored);
    }

    /** Their bytes no longer count against the bound: done before their futures complete, so a caller sees it. */
    private void release(List<Pending> batch) {
        long bytes = 0;
        for (Pending pending : batch) {
            bytes += pending.message().body().length;
        }
        queuedBytes.addAndGet(-bytes);
    }

    /** Stores what is queued, then stops; later writes are refused. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.stored().completeExceptionally(new RejectedExecutionException("the hub stopped"));
        }
    }
}
