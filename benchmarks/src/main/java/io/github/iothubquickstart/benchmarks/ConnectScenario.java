package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** N devices connect over TLS; connects per second, and the server's memory per connected device. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connects N TLS devices: connects/s, and the server's heap and resident memory per device.")
final class ConnectScenario implements Callable<Integer> {
    @Mixin
    TargetOptions targets = new TargetOptions();

    @Option(names = "--devices", defaultValue = "1000", description = "Devices to connect (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--concurrency", defaultValue = "100",
            description = "TLS handshakes in progress at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--idle-seconds", defaultValue = "3",
            description = "How long the devices stay connected, idle, before memory is measured (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--warmup-devices", defaultValue = "0",
            description = "Connects this many devices and disconnects them all before the measured storm, the same for "
                    + "each server, so the figure is of a warm server (a fresh hub's JVM spends half its CPU compiling "
                    + "during its first storm); 0 measures the server as it is (default: ${DEFAULT-VALUE}).")
    int warmupDevices;

    @Option(names = "--quiet-timeout-seconds", defaultValue = "60",
            description = "After the warm-up, how long to wait at most for the server's CPU to go quiet "
                    + "(default: ${DEFAULT-VALUE}).")
    int quietTimeoutSeconds;

    @Option(names = "--timeout-seconds", defaultValue = "300", description = "Bound on connecting (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--hold-seconds", defaultValue = "0",
            description = "After connecting, keeps the devices connected this long, sending keep-alives, and counts "
                    + "connections dropped and the server's CPU; memory is measured after it (default: ${DEFAULT-VALUE}).")
    int holdSeconds;

    @Option(names = "--keep-alive-seconds", defaultValue = "600",
            description = "The devices' MQTT keep-alive interval (default: ${DEFAULT-VALUE}).")
    int keepAliveSeconds;

    @Option(names = "--senders", defaultValue = "0",
            description = "During the hold, this many of the devices each publish one QoS 1 message a second "
                    + "(default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--source-addresses", split = ",", paramLabel = "ADDRESS",
            description = "Loopback addresses the devices connect from, in turn (default: the system's choice); one "
                    + "address has ~28,000 ephemeral ports per server port.")
    List<String> sourceAddresses = List.of();

    @Option(names = "--histogram", paramLabel = "FILE",
            description = "Writes the hub's live objects by class (jcmd GC.class_histogram) to FILE while the devices "
                    + "are still connected, after memory is measured.")
    Path histogram;

    PrintStream out = System.out;

    record Outcome(String target, int connected, int failed, double connectsPerSecond, double heapBytesPerDevice,
                   double residentBytesPerDevice, double cpuSecondsPerConnect, String pinning, FleetHold.Outcome held,
                   ProcessMemory.Sample after) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Outcome> outcomes = run();
        return outcomes.values().stream().allMatch(outcome -> outcome.connected() > 0) ? 0 : 1;
    }

    Map<String, Outcome> run() throws InterruptedException {
        if (warmupDevices < 0) {
            throw new IllegalArgumentException("--warmup-devices must be 0 or more, not " + warmupDevices);
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Vertx vertx = targets.clientVertx();
        try (HubIdentity hub = targets.openHub()) {
            List<MqttTarget> mqttTargets = targets.mqttTargets(hub, Math.max(devices, warmupDevices));
            for (MqttTarget target : mqttTargets) {
                outcomes.put(target.name(), measure(vertx, target));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        for (Outcome outcome : outcomes.values()) {
            String ratio = targets.ratioToMosquitto(outcomes, outcome, Outcome::connectsPerSecond);
            targets.appendResult(out, String.format("| connect | %s | %,d TLS devices, %s%s | %,.0f connects/s (server CPU %s/connect) | - | %s, %s | %s |",
                    outcome.target(), devices, warmth(), outcome.pinning(), outcome.connectsPerSecond(), Latency.ms(outcome.cpuSecondsPerConnect() * 1000),
                    perDevice(outcome.heapBytesPerDevice(), "heap"), perDevice(outcome.residentBytesPerDevice(), "RSS"),
                    ratio + (outcome.failed() > 0 ? " (" + outcome.failed() + " failed)" : "")));
            if (outcome.held() != null) {
                targets.appendResult(out, holdRow(outcome));
            }
        }
        return outcomes;
    }

    /** The hold's row: what staying connected cost the server, and whether anything was lost. */
    private String holdRow(Outcome outcome) {
        FleetHold.Outcome held = outcome.held();
        String load = held.senders() == 0 ? String.format("%,d devices idle", outcome.connected())
                : String.format("%,d idle + %,d sending 1 msg/s", outcome.connected() - held.senders(), held.senders());
        String rate = held.senders() == 0 ? "-" : String.format("%,.0f msg/s acked (%,d published, %,d failed, %,d unacked)",
                held.acknowledged() / (double) held.seconds(), held.published(), held.failed(), held.unacknowledged());
        ProcessMemory.Sample after = outcome.after();
        String total = after == null ? "" : String.format(" (in all: %sRSS %s)",
                after.heapBytes() < 0 ? "" : "heap " + mib(after.heapBytes()) + ", ", mib(after.residentBytes()));
        return String.format("| connected, %d s, keep-alive %d s | %s | %s | %s | %,d dropped | server %.1f %% of a core "
                        + "(%.2f ms CPU/s per 1,000 devices), %s, %s%s | - |",
                held.seconds(), keepAliveSeconds, outcome.target(), load, rate, held.dropped(), held.serverCores() * 100,
                held.serverCores() * 1000 / outcome.connected() * 1000, perDevice(outcome.heapBytesPerDevice(), "heap"),
                perDevice(outcome.residentBytesPerDevice(), "RSS"), total);
    }

    /** "cold" when this run warmed nothing up (run.sh runs that storm first on a fresh hub), else how warm. */
    private String warmth() {
        return warmupDevices == 0 ? "cold (no warm-up)" : String.format("warm (after %,d warm-up connects)", warmupDevices);
    }

    /** ", server on CPU 1, load generator on CPU 0" when either is pinned to other CPUs than the other. */
    private static String pinning(MqttTarget target) {
        if (target.pid().isEmpty()) {
            return "";
        }
        String server = ProcessMemory.cpus(target.pid().getAsLong());
        String load = ProcessMemory.cpus(ProcessHandle.current().pid());
        return server.equals(load) ? "" : ", server on CPU " + server + ", load generator on CPU " + load;
    }

    private void warmUp(Vertx vertx, MqttTarget target) throws InterruptedException {
        out.printf("connect: warm-up, %,d devices to %s%n", warmupDevices, target.name());
        MqttFleet warmup = MqttFleet.connect(vertx, targets.clientThreads, target, warmupDevices, concurrency,
                Duration.ofSeconds(timeoutSeconds), out, 600);
        out.printf("  warm-up: %,d connected in %.2f s, %d failed; disconnecting them%n", warmup.devices().size(),
                warmup.connectSeconds(), warmup.failures());
        warmup.close();
        ServerQuiet.await(target.pid(), target.name(), Duration.ofSeconds(quietTimeoutSeconds), out);
    }

    private Outcome measure(Vertx vertx, MqttTarget target) throws InterruptedException {
        if (warmupDevices > 0) {
            warmUp(vertx, target);
        }
        out.printf("connect: %,d devices to %s on %s:%d%n", devices, target.name(), target.host(), target.port());
        ProcessMemory.Sample before = target.pid().isPresent()
                ? ProcessMemory.sample(target.pid().getAsLong(), target.jvm()) : null;
        double cpuBefore = target.pid().isPresent() ? ProcessMemory.cpuSeconds(target.pid().getAsLong()) : Double.NaN;
        MqttFleet fleet = MqttFleet.connect(vertx, targets.clientThreads, target, devices, concurrency,
                Duration.ofSeconds(timeoutSeconds), out, keepAliveSeconds, sourceAddresses);
        try {
            double rate = fleet.devices().size() / fleet.connectSeconds();
            double cpuPerConnect = target.pid().isPresent()
                    ? (ProcessMemory.cpuSeconds(target.pid().getAsLong()) - cpuBefore) / fleet.devices().size() : Double.NaN;
            out.printf("  %,d connected in %.2f s (%,.0f connects/s), %d failed%s%n", fleet.devices().size(),
                    fleet.connectSeconds(), rate, fleet.failures(),
                    fleet.firstFailure() == null ? "" : "; first failure: " + fleet.firstFailure());
            out.printf("  %s CPU per connect: %.2f ms (so about %,.0f connects/s per core of its own)%n", target.name(),
                    cpuPerConnect * 1000, 1 / cpuPerConnect);
            TimeUnit.SECONDS.sleep(idleSeconds);
            FleetHold.Outcome held = null;
            if (holdSeconds > 0) {
                held = new FleetHold(vertx, fleet, out).hold(target.name(), target.pid(), holdSeconds, senders);
                out.printf("  held %d s: %,d dropped; server CPU %.1f %% of a core; %,d published, %,d acknowledged, "
                                + "%,d failed, %,d unacknowledged%n", holdSeconds, held.dropped(), held.serverCores() * 100,
                        held.published(), held.acknowledged(), held.failed(), held.unacknowledged());
            }
            double heapPerDevice = Double.NaN;
            double residentPerDevice = Double.NaN;
            ProcessMemory.Sample after = null;
            if (before != null && !fleet.devices().isEmpty()) {
                after = ProcessMemory.sample(target.pid().getAsLong(), target.jvm());
                int n = fleet.devices().size();
                heapPerDevice = before.heapBytes() < 0 ? Double.NaN : (after.heapBytes() - before.heapBytes()) / (double) n;
                residentPerDevice = (after.residentBytes() - before.residentBytes()) / (double) n;
                out.printf("  %s: heap %s -> %s, resident %s -> %s; per device: %s, %s%n", target.name(),
                        mib(before.heapBytes()), mib(after.heapBytes()), mib(before.residentBytes()),
                        mib(after.residentBytes()), perDevice(heapPerDevice, "heap"), perDevice(residentPerDevice, "RSS"));
                if (histogram != null && target.jvm()) {
                    writeHistogram(target.pid().getAsLong());
                }
            }
            return new Outcome(target.name(), fleet.devices().size(), fleet.failures(), rate, heapPerDevice,
                    residentPerDevice, cpuPerConnect, pinning(target), held, after);
        } finally {
            fleet.close();
        }
    }

    private void writeHistogram(long pid) {
        try {
            Files.writeString(histogram, ProcessMemory.classHistogram(pid));
            out.printf("  live objects by class: %s%n", histogram);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + histogram, e);
        }
    }

    private static String perDevice(double bytes, String what) {
        return Double.isNaN(bytes) ? "-" : String.format("%.1f KB %s/device", bytes / 1024, what);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
    }
}
