package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs after each store (on the event loop that stored, or the commit thread with FULL durability), acting at most
 * once a second: drops what retention no longer covers. Often and small, so that one prune never holds devices back
 * for long; the store deletes dropped files in the background.
 */
final class RetentionPruner implements Consumer<List<TelemetryMessage>> {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPruner.class);
    static final Duration PRUNE_EVERY = Duration.ofSeconds(1);

    private final TelemetryStore store;
    private final TelemetryRetention retention;
    private final Clock clock;
    /** Milliseconds, not an Instant: this runs for every message stored. */
    private long nextPruneMillis = Long.MIN_VALUE;

    RetentionPruner(TelemetryStore store, TelemetryRetention retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void accept(List<TelemetryMessage> committed) {
        long now = clock.millis();
        if (now < nextPruneMillis) {
            return;
        }
        nextPruneMillis = now + PRUNE_EVERY.toMillis();
        try {
            int deleted = store.prune(retention.maxMessages(), Instant.ofEpochMilli(now).minus(retention.maxAge()));
            if (deleted > 0) {
                LOG.debug("Dropped {} telemetry messages beyond retention", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not drop old telemetry from {}", store.location(), e);
        }
    }
}
