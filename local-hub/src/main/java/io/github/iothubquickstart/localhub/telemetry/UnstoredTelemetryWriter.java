package io.github.iothubquickstart.localhub.telemetry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** With retention set to nothing: numbers each message and passes it on at once, storing nothing. */
final class UnstoredTelemetryWriter implements TelemetryWriter {
    private final Consumer<List<TelemetryMessage>> onAccepted;
    private long sequence;

    UnstoredTelemetryWriter(Consumer<List<TelemetryMessage>> onAccepted) {
        this.onAccepted = onAccepted;
    }

    @Override
    public synchronized CompletableFuture<TelemetryMessage> write(IncomingTelemetry message) {
        // Synchronized so that subscribers see messages in sequence order.
        TelemetryMessage numbered = message.numbered(++sequence);
        onAccepted.accept(List.of(numbered));
        return CompletableFuture.completedFuture(numbered);
    }

    @Override
    public void close() {
        // nothing is held
    }
}
