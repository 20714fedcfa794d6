package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores each message on the thread that received it (the connection's event loop), before the call returns: an
 * append to the telemetry log is one write into the page cache, cheaper than handing the message to another thread
 * and the acknowledgement back (docs/benchmarks.md). The future is complete on return, so the transport answers
 * within the read that brought the message. For {@link TelemetryDurability#NORMAL}: nothing waits for the disk.
 */
final class InlineTelemetryWriter implements TelemetryWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InlineTelemetryWriter.class);

    private final TelemetryStore store;
    private final Consumer<List<TelemetryMessage>> onStored;
    private final StoreFailureLog failures = new StoreFailureLog(LOG, Clock.systemUTC());
    private boolean closed;

    InlineTelemetryWriter(TelemetryStore store, Consumer<List<TelemetryMessage>> onStored) {
        this.store = store;
        this.onStored = onStored;
    }

    @Override
    public synchronized CompletableFuture<TelemetryMessage> write(IncomingTelemetry message) {
        // Synchronized so that subscribers see messages in sequence order when several event loops store.
        if (closed) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the hub is stopping"));
        }
        List<TelemetryMessage> stored;
        try {
            stored = store.append(List.of(message));
        } catch (RuntimeException e) {
            failures.failed(1, "a telemetry message of " + message.deviceId(), store.location(), e);
            return CompletableFuture.failedFuture(e);
        }
        failures.stored(store.location());
        onStored.accept(stored);
        return CompletableFuture.completedFuture(stored.get(0));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
