package io.github.iothubquickstart.benchmarks;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Latencies in microseconds, recorded from any thread (HdrHistogram {@link Recorder}). */
final class Latency {
    private static final long MAX_MICROS = 120_000_000L;
    private final Recorder recorder = new Recorder(MAX_MICROS, 3);

    void recordNanos(long nanos) {
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
    }

    /** Everything recorded since the last call (so a warm-up can be discarded). */
    Histogram take() {
        return recorder.getIntervalHistogram();
    }

    static double millisAt(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    static String summary(Histogram histogram) {
        return String.format("p50 %s  p99 %s  p99.9 %s  max %s", ms(millisAt(histogram, 50)),
                ms(millisAt(histogram, 99)), ms(millisAt(histogram, 99.9)),
                ms(histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0));
    }

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return millis < 10 ? String.format("%.2f ms", millis) : String.format("%.0f ms", millis);
    }
}
