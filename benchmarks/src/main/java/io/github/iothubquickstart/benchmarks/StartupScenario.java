package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast a hub is up and how dear its first connects are: from process start to every listener serving, the CPU
 * that took, then the first {@code --connects} TLS connects (MQTT CONNECT to CONNACK) cold and the same again warm.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Starts the hub (java -jar, the distribution, or in-process as LocalIotHubExtension does) and "
                + "measures the time and CPU to every listener serving, then of the first TLS connects, cold and warm.")
final class StartupScenario implements Callable<Integer> {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /** Which hub: one of the three. */
    static final class Launch {
        @Option(names = "--jar", paramLabel = "LOCAL_HUB_JAR", description = "java -jar this jar (--java runs it).")
        Path jar;

        @Option(names = "--distribution", paramLabel = "DIR",
                description = "The unpacked distribution (local-hub-<version>): its bin/local-hub.")
        Path distribution;

        @Option(names = "--in-process",
                description = "A hub in this JVM, as LocalIotHubExtension starts one per test class.")
        boolean inProcess;
    }

    @ArgGroup(multiplicity = "1")
    Launch launch;

    @Option(names = "--java", paramLabel = "JAVA", description = "The java for --jar (default: this JVM's).")
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    @Option(names = "--java-option", paramLabel = "OPTION",
            description = "A JVM option for --jar (e.g. -XX:AOTCache=hub.aot) or --distribution (as "
                    + "LOCAL_HUB_JAVA_OPTS, e.g. -Xshare:off); repeat for more.")
    List<String> javaOptions = new ArrayList<>();

    @Option(names = "--label", description = "The hub's name in results (default: from the launch).")
    String label;

    @Option(names = "--bind", defaultValue = "127.0.23.1",
            description = "Address of the --jar or --distribution hub (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the --jar or --distribution hub, kept between runs (default: a new "
                    + "temporary one; its first start, which makes the CA and registry, is reported on its own).")
    Path dataDirectory;

    @Option(names = "--runs", defaultValue = "3", description = "Measured starts (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--connects", defaultValue = "1000",
            description = "TLS connects measured cold, then again warm (default: ${DEFAULT-VALUE}).")
    int connects;

    @Option(names = "--concurrency", defaultValue = "100",
            description = "TLS handshakes in progress at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--client-threads", defaultValue = "2",
            description = "Event-loop threads of the load generator (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--results", description = "Appends one Markdown table row per run to this file.")
    Path results;

    PrintStream out = System.out;

    /** One storm of connects: how many made it, how long it took, and the CPU it cost. */
    record Storm(int connected, int failed, double seconds, double cpuSeconds) {
        double cpuMillisPerConnect() {
            return cpuSeconds * 1000 / Math.max(1, connected);
        }
    }

    /** One start: ready after {@code seconds} with {@code cpuSeconds} used; the storms after it, if any. */
    record Run(String what, double seconds, double cpuSeconds, Storm cold, Storm warm) {
    }

    @Override
    public Integer call() throws Exception {
        List<Run> measured = run();
        return measured.stream().allMatch(run -> run.cold() == null || run.cold().failed() == 0) ? 0 : 1;
    }

    List<Run> run() throws Exception {
        if (runs < 1 || connects < 1) {
            throw new IllegalArgumentException("--runs and --connects must be 1 or more");
        }
        List<Run> measured = new ArrayList<>();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads).setPreferNativeTransport(false));
        Path log = Files.createTempFile("hub-bench-startup-", ".log");
        boolean temporaryData = dataDirectory == null && !launch.inProcess;
        Path data = temporaryData ? Files.createTempDirectory("hub-bench-startup-") : dataDirectory;
        try {
            if (!launch.inProcess && !Files.exists(data.resolve("ca.pem"))) {
                measured.add(report(firstStart(data, log)));
            }
            for (int i = 1; i <= runs; i++) {
                measured.add(report(measuredStart(vertx, data, log, i)));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            if (temporaryData) {
                deleteTree(data);
            }
        }
        out.printf("startup: the hubs' output is in %s%n", log);
        return measured;
    }

    /** The first start on an empty data directory (CA, server certificate, registry made), then the bench devices. */
    private Run firstStart(Path data, Path log) throws Exception {
        long started = System.nanoTime();
        ChildProcessHub hub = ChildProcessHub.start(launcher(), environment(), bind, data, log);
        try {
            hub.awaitListening(READY_TIMEOUT);
            Run run = new Run("first start (makes CA and registry)", (System.nanoTime() - started) / 1e9,
                    hub.cpuSeconds(), null, null);
            BenchDevices.ensure(hub.registry(), connects);
            return run;
        } finally {
            hub.close();
        }
    }

    private Run measuredStart(Vertx vertx, Path data, Path log, int index) throws Exception {
        double cpuBefore = launch.inProcess ? ProcessMemory.cpuSeconds(ProcessHandle.current().pid()) : 0;
        long started = System.nanoTime();
        StartedHub hub;
        if (launch.inProcess) {
            hub = InProcessHub.start();
        } else {
            ChildProcessHub child = ChildProcessHub.start(launcher(), environment(), bind, data, log);
            child.awaitListening(READY_TIMEOUT);
            hub = child;
        }
        try {
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpu = hub.cpuSeconds() - cpuBefore;
            List<DeviceIdentity> devices = BenchDevices.ensure(hub.registry(), connects);
            Storm cold = storm(vertx, hub, devices);
            ServerQuiet.await(watched(hub), name(), Duration.ofSeconds(30), out);
            Storm warm = storm(vertx, hub, devices);
            String what = launch.inProcess ? (index == 1 ? "hub 1 in a fresh JVM" : "hub " + index + ", same JVM")
                    : "restart " + index;
            return new Run(what, seconds, cpu, cold, warm);
        } finally {
            hub.close();
        }
    }

    private Storm storm(Vertx vertx, StartedHub hub, List<DeviceIdentity> devices) throws InterruptedException {
        MqttTarget target = new MqttTarget(name(), hub.address(), 8883, hub.caFile(),
                MqttLogins.sas(hub.address(), devices), hub.pid(), true);
        double cpuBefore = hub.cpuSeconds();
        MqttFleet fleet = MqttFleet.connect(vertx, clientThreads, target, connects, concurrency,
                Duration.ofSeconds(300), out, 600);
        double cpu = hub.cpuSeconds() - cpuBefore;
        try {
            if (fleet.firstFailure() != null) {
                out.printf("  first failure: %s%n", fleet.firstFailure());
            }
            return new Storm(fleet.devices().size(), fleet.failures(), fleet.connectSeconds(), cpu);
        } finally {
            fleet.close();
        }
    }

    /** In-process, the JVM is what goes quiet (hub and load generator alike). */
    private static OptionalLong watched(StartedHub hub) {
        return hub.pid().isPresent() ? hub.pid() : OptionalLong.of(ProcessHandle.current().pid());
    }

    private List<String> launcher() {
        if (launch.distribution != null) {
            return List.of(launch.distribution.resolve("bin/local-hub").toString());
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", launch.jar.toString()));
        return command;
    }

    /** The distribution takes JVM options from LOCAL_HUB_JAVA_OPTS. */
    private Map<String, String> environment() {
        return launch.distribution != null && !javaOptions.isEmpty()
                ? Map.of("LOCAL_HUB_JAVA_OPTS", String.join(" ", javaOptions)) : Map.of();
    }

    private String name() {
        if (label != null) {
            return label;
        }
        return launch.inProcess ? "in-process (LocalIotHubExtension)"
                : launch.distribution != null ? "distribution (bin/local-hub)" : "java -jar";
    }

    private Run report(Run run) {
        String cpuWhose = launch.inProcess ? "JVM CPU, hub and load generator" : "hub CPU";
        StringBuilder row = new StringBuilder(String.format("| startup | %s | %s | ready in %.2f s (%.2f s %s) |",
                name(), run.what(), run.seconds(), run.cpuSeconds(), launch.inProcess ? "JVM CPU" : "CPU"));
        if (run.cold() == null) {
            row.append(" - | - | - |");
        } else {
            row.append(String.format(" %,d cold TLS connects in %.2f s, %.2f ms %s/connect |", run.cold().connected(),
                    run.cold().seconds(), run.cold().cpuMillisPerConnect(), cpuWhose));
            row.append(String.format(" warm: %.2f s, %.2f ms/connect |", run.warm().seconds(),
                    run.warm().cpuMillisPerConnect()));
            row.append(String.format(" cold/warm CPU %.1fx%s |",
                    run.cold().cpuMillisPerConnect() / run.warm().cpuMillisPerConnect(),
                    run.cold().failed() + run.warm().failed() > 0
                            ? " (" + (run.cold().failed() + run.warm().failed()) + " failed)" : ""));
        }
        TargetOptions sink = new TargetOptions();
        sink.results = results;
        sink.appendResult(out, row.toString());
        return run;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
