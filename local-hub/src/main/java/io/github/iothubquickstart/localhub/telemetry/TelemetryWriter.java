package io.github.iothubquickstart.localhub.telemetry;

import java.util.concurrent.CompletableFuture;

/** Where the hub puts accepted telemetry before it acknowledges it. */
interface TelemetryWriter extends AutoCloseable {
    /** Completes with the numbered message once it is safe to acknowledge; fails if it was not stored. */
    CompletableFuture<TelemetryMessage> write(IncomingTelemetry message);

    @Override
    void close();
}
