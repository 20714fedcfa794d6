package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Devices publish 200-byte JSON at QoS 1 as fast as PUBACKs come back; acked messages/s and publish-to-PUBACK latency. */
@Command(name = "telemetry", mixinStandardHelpOptions = true,
        description = "N devices publish JSON at QoS 1 as fast as PUBACKs allow: acked msg/s and latency.")
final class TelemetryScenario implements Callable<Integer> {
    @Mixin
    TargetOptions targets = new TargetOptions();

    @Option(names = "--devices", split = ",", defaultValue = "1000",
            description = "Device counts to run, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> deviceCounts;

    @Option(names = "--in-flight", defaultValue = "1",
            description = "Unacknowledged publishes per device (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--payload-bytes", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}.")
    int payloadBytes;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured time (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rounds", defaultValue = "1",
            description = "Measured periods per server and device count, alternating (hub, Mosquitto, hub, ...) on "
                    + "fleets that stay connected, after every server's warm-up: the row shows each round's rate and "
                    + "their mean, latency over all rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--concurrency", defaultValue = "100", description = "TLS handshakes at once while connecting.")
    int concurrency;

    /** Unmeasured time at the start of a later round, while every device's first publishes are answered. */
    private static final int RESUME_SECONDS = 1;

    PrintStream out = System.out;

    /** One server's figures for one device count; {@code ackedPerSecond} is the mean of {@code roundRates}. */
    record Outcome(String target, int devices, long acked, long failed, double ackedPerSecond, List<Double> roundRates,
                   Histogram latency, double serverCores, double userMicrosPerMessage, double kernelMicrosPerMessage,
                   String serverMemory) {
        /** "server busy 0.85 cores; 8.8 + 5.7 us CPU per message, user + kernel", "?" where the server's pid is unknown. */
        String serverCpu() {
            if (Double.isNaN(serverCores)) {
                return "server busy ? cores";
            }
            return String.format("server busy %.2f cores; %.1f + %.1f us CPU per message, user + kernel", serverCores,
                    userMicrosPerMessage, kernelMicrosPerMessage);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Outcome> outcomes = run();
        return outcomes.stream().allMatch(outcome -> outcome.acked() > 0) ? 0 : 1;
    }

    List<Outcome> run() throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be 1 or more, not " + rounds);
        }
        List<Outcome> outcomes = new ArrayList<>();
        int most = deviceCounts.stream().mapToInt(Integer::intValue).max().orElse(0);
        Vertx vertx = targets.clientVertx();
        try (HubIdentity hub = targets.openHub()) {
            List<MqttTarget> mqttTargets = targets.mqttTargets(hub, most);
            for (int devices : deviceCounts) {
                Map<String, Outcome> byTarget = measure(vertx, mqttTargets, devices);
                report(devices, byTarget);
                outcomes.addAll(byTarget.values());
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (targets.plots != null) {
            Plots.telemetry(targets.plots, outcomes, inFlight);
        }
        return outcomes;
    }

    private void report(int devices, Map<String, Outcome> byTarget) {
        for (Outcome outcome : byTarget.values()) {
            String ratio = targets.ratioToMosquitto(byTarget, outcome, Outcome::ackedPerSecond);
            targets.appendResult(out, String.format("| telemetry | %s | %,d devices x %d in flight, %d B QoS 1 | %s acked msg/s (%s%s) | %s / %s / %s | %s | %s |",
                    outcome.target(), devices, inFlight, payloadBytes, rate(outcome), rounds(outcome), outcome.serverCpu(),
                    Latency.ms(Latency.millisAt(outcome.latency(), 50)), Latency.ms(Latency.millisAt(outcome.latency(), 99)),
                    Latency.ms(Latency.millisAt(outcome.latency(), 99.9)), outcome.serverMemory(),
                    ratio + (outcome.failed() > 0 ? " (" + outcome.failed() + " publishes failed)" : "")));
        }
    }

    private static String rate(Outcome outcome) {
        return (outcome.roundRates().size() > 1 ? "mean " : "") + String.format("%,.0f", outcome.ackedPerSecond());
    }

    /** "rounds 98,001 / 101,234; " when there was more than one. */
    private static String rounds(Outcome outcome) {
        if (outcome.roundRates().size() < 2) {
            return "";
        }
        StringJoiner rates = new StringJoiner(" / ", "rounds ", "; ");
        outcome.roundRates().forEach(rate -> rates.add(String.format("%,.0f", rate)));
        return rates.toString();
    }

    /**
     * With one round, each server's fleet connects, warms up, is measured and disconnects in turn, so the servers
     * are measured one after the other as before, never both loaded at once. With more, every server's fleet
     * connects and warms up before the first measured round: the load generator is a JVM too, and whichever server
     * was measured first used to pay for the generator's (and its own) warm-up in its first round (1,000 x 1 on a
     * fresh hub: 53,854 msg/s in its first round, 80,704 in its second, Mosquitto 83,239 and 79,835 between them).
     */
    private Map<String, Outcome> measure(Vertx vertx, List<MqttTarget> mqttTargets, int devices) throws Exception {
        Map<String, TelemetryLoad> loads = new LinkedHashMap<>();
        Map<String, List<TelemetryLoad.Period>> periods = new LinkedHashMap<>();
        Map<String, String> memory = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        try {
            if (rounds > 1) {
                for (MqttTarget target : mqttTargets) {
                    connect(vertx, target, devices, loads).warmUp(warmupSeconds);
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (MqttTarget target : mqttTargets) {
                    TelemetryLoad load = loads.get(target.name());
                    boolean first = load == null;
                    if (first) {
                        load = connect(vertx, target, devices, loads);
                    }
                    if (rounds > 1) {
                        out.printf("  round %d of %d on %s%n", round, rounds, target.name());
                    }
                    // A later round restarts from nothing in flight: one unmeasured second lets the pipelines fill.
                    periods.computeIfAbsent(target.name(), name -> new ArrayList<>())
                            .add(load.run(first ? warmupSeconds : RESUME_SECONDS, seconds));
                    if (round == rounds) {
                        // Read while its devices are still connected, as after the run before rounds existed.
                        String serverMemory = ProcessMemory.residentColumn(target.pid());
                        out.printf("  %s after the run: %s%n", target.name(), serverMemory);
                        memory.put(target.name(), serverMemory);
                        failed.put(target.name(), load.failed());
                        loads.remove(target.name()).close();
                    }
                }
            }
        } finally {
            for (TelemetryLoad load : loads.values()) {
                load.close();
            }
        }
        Map<String, Outcome> byTarget = new LinkedHashMap<>();
        periods.forEach((name, list) -> byTarget.put(name, outcome(name, devices, list, failed.get(name),
                memory.get(name))));
        return byTarget;
    }

    private TelemetryLoad connect(Vertx vertx, MqttTarget target, int devices, Map<String, TelemetryLoad> loads)
            throws Exception {
        out.printf("telemetry: %,d devices x %d in flight to %s on %s:%d%n", devices, inFlight, target.name(),
                target.host(), target.port());
        MqttFleet fleet = MqttFleet.connect(vertx, targets.clientThreads, target, devices, concurrency,
                Duration.ofSeconds(300), out, 600);
        TelemetryLoad load = new TelemetryLoad(fleet, target, inFlight, payloadBytes, out);
        loads.put(target.name(), load);
        return load;
    }

    private static Outcome outcome(String name, int devices, List<TelemetryLoad.Period> periods, long failed,
                                   String memory) {
        Histogram latency = periods.get(0).latency().copy();
        periods.stream().skip(1).forEach(period -> latency.add(period.latency()));
        List<Double> rates = periods.stream().map(TelemetryLoad.Period::ackedPerSecond).toList();
        return new Outcome(name, devices, periods.stream().mapToLong(TelemetryLoad.Period::acked).sum(), failed,
                rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), rates, latency,
                mean(periods, TelemetryLoad.Period::serverCores),
                mean(periods, TelemetryLoad.Period::userMicrosPerMessage),
                mean(periods, TelemetryLoad.Period::kernelMicrosPerMessage), memory);
    }

    private static double mean(List<TelemetryLoad.Period> periods, ToDoubleFunction<TelemetryLoad.Period> figure) {
        return periods.stream().mapToDouble(figure).average().orElse(Double.NaN);
    }
}
