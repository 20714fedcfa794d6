package io.github.iothubquickstart.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** The benchmark's PNG plots: latency distributions, and telemetry throughput against device count. */
final class Plots {
    /** Percentiles up to 99.99 %, on a log scale of 1 / (1 - p): the tail gets as much room as the median. */
    private static final double MAX_NINES = 4;

    record Series(String name, Histogram latency) {
    }

    private Plots() {
    }

    static void latency(Path png, String title, List<Series> series) {
        List<LineChart.Tick> ticks = List.of(new LineChart.Tick(0, "0%"), new LineChart.Tick(1, "90%"),
                new LineChart.Tick(2, "99%"), new LineChart.Tick(3, "99.9%"), new LineChart.Tick(4, "99.99%"));
        LineChart chart = new LineChart(title, "percentile", "latency (ms)", ticks, Plots::millis);
        for (Series one : series) {
            if (one.latency().getTotalCount() == 0) {
                continue;
            }
            int points = 200;
            double[] xs = new double[points + 1];
            double[] ys = new double[points + 1];
            for (int i = 0; i <= points; i++) {
                double nines = MAX_NINES * i / points;
                double percentile = 100 * (1 - Math.pow(10, -nines));
                xs[i] = nines;
                ys[i] = one.latency().getValueAtPercentile(percentile) / 1000.0;
            }
            chart.add(new LineChart.Line(one.name() + " (p50 " + Latency.ms(Latency.millisAt(one.latency(), 50))
                    + ", p99 " + Latency.ms(Latency.millisAt(one.latency(), 99)) + ")", xs, ys));
        }
        chart.save(png);
    }

    static void telemetry(Path directory, List<TelemetryScenario.Outcome> outcomes, int inFlight) {
        Map<String, TreeMap<Integer, Double>> rates = new LinkedHashMap<>();
        Map<String, TelemetryScenario.Outcome> largest = new LinkedHashMap<>();
        for (TelemetryScenario.Outcome outcome : outcomes) {
            rates.computeIfAbsent(outcome.target(), name -> new TreeMap<>()).put(outcome.devices(), outcome.ackedPerSecond());
            largest.merge(outcome.target(), outcome, (a, b) -> b.devices() >= a.devices() ? b : a);
        }
        List<LineChart.Tick> ticks = new ArrayList<>();
        rates.values().stream().flatMap(byCount -> byCount.keySet().stream()).distinct().sorted()
                .forEach(count -> ticks.add(new LineChart.Tick(Math.log10(count), String.format("%,d", count))));
        LineChart throughput = new LineChart("Telemetry: acked QoS 1 messages/s, " + inFlight + " in flight per device",
                "connected devices (log scale)", "acknowledged messages / s", ticks, Plots::thousands);
        rates.forEach((target, byCount) -> throughput.add(new LineChart.Line(target,
                byCount.keySet().stream().mapToDouble(Math::log10).toArray(),
                byCount.values().stream().mapToDouble(Double::doubleValue).toArray())));
        if (ticks.size() > 1) {
            throughput.save(directory.resolve("telemetry-throughput-inflight" + inFlight + ".png"));
        }
        List<Series> series = new ArrayList<>();
        largest.values().forEach(outcome -> series.add(new Series(outcome.target() + ", " + outcome.devices()
                + " devices", outcome.latency())));
        latency(directory.resolve("telemetry-latency-inflight" + inFlight + ".png"),
                "Telemetry: publish-to-PUBACK latency, " + inFlight + " in flight per device", series);
    }

    private static String millis(double value) {
        return value >= 10 ? String.format("%.0f", value) : String.format("%.1f", value);
    }

    private static String thousands(double value) {
        return value >= 1000 ? String.format("%.0fk", value / 1000) : String.format("%.0f", value);
    }
}
