package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs on the commit thread after commits, at most once a second, and drops what retention no longer covers. Often
 * and small, so that one prune never holds commits back for long (docs/benchmarks.md, "What was changed in the hub").
 */
final class RetentionPruner implements Consumer<List<TelemetryMessage>> {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPruner.class);
    static final Duration PRUNE_EVERY = Duration.ofSeconds(1);

    private final TelemetryStore store;
    private final TelemetryRetention retention;
    private final Clock clock;
    private Instant lastPruned = Instant.MIN;

    RetentionPruner(TelemetryStore store, TelemetryRetention retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void accept(List<TelemetryMessage> committed) {
        Instant now = clock.instant();
        if (lastPruned.plus(PRUNE_EVERY).isAfter(now)) {
            return;
        }
        lastPruned = now;
        try {
            int deleted = store.prune(retention.maxMessages(), now.minus(retention.maxAge()));
            if (deleted > 0) {
                LOG.debug("Dropped {} telemetry messages beyond retention", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not drop old telemetry from {}", store.location(), e);
        }
    }
}
