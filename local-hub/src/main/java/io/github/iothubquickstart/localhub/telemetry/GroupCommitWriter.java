package io.github.iothubquickstart.localhub.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
    static final int MAX_BATCH = 2_048;

    private record Pending(IncomingTelemetry message, CompletableFuture<TelemetryMessage> stored) {
    }

    private final TelemetryStore store;
    private final Consumer<List<TelemetryMessage>> onCommitted;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param queueCapacity messages that may wait for a commit; past it new ones are refused, which makes the
     *                      device retry later instead of the hub buffering without bound
     */
    GroupCommitWriter(TelemetryStore store, int queueCapacity, Consumer<List<TelemetryMessage>> onCommitted) {
        this.store = store;
        this.onCommitted = onCommitted;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "telemetry-group-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public CompletableFuture<TelemetryMessage> write(IncomingTelemetry message) {
        CompletableFuture<TelemetryMessage> stored = new CompletableFuture<>();
        Pending pending = new Pending(message, stored);
        if (!running || !queue.offer(pending)) {
            stored.completeExceptionally(new RejectedExecutionException(
                    running ? "the telemetry journal is busy (" + queue.size() + " messages waiting)" : "the hub is stopping"));
        } else if (!running && queue.remove(pending)) {
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
            LOG.error("Could not store {} telemetry messages in {}: they are not acknowledged, so devices will send"
                    + " them again", batch.size(), store.location(), e);
            batch.forEach(pending -> pending.stored().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).stored().complete(stored.get(i));
        }
        onCommitted.accept(stored);
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
