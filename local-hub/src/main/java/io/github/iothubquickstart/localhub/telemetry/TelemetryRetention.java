package io.github.iothubquickstart.localhub.telemetry;

import java.time.Duration;

/**
 * How much telemetry the hub keeps on disk for the monitor to replay: at most {@code maxMessages} of the newest
 * messages, none older than {@code maxAge}. Zero messages keeps nothing: then the hub acknowledges telemetry
 * without storing it, and a crash loses what no monitor had read.
 */
public record TelemetryRetention(long maxMessages, Duration maxAge) {
    public static final TelemetryRetention DEFAULT = new TelemetryRetention(100_000, Duration.ofDays(1));
    public static final TelemetryRetention NONE = new TelemetryRetention(0, Duration.ZERO);

    public TelemetryRetention {
        if (maxMessages < 0 || maxAge.isNegative()) {
            throw new IllegalArgumentException("Telemetry retention cannot be negative.");
        }
    }

    public boolean storesNothing() {
        return maxMessages == 0 || maxAge.isZero();
    }
}
