package io.github.iothubquickstart.benchmarks;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.ConnectionStrings;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The chaos soak: one hub process, devices on every transport and a back-end using it through the unmodified Azure
 * SDKs, and the hub SIGKILLed at seeded-random moments and started again on the same data directory. At the end,
 * everything the SDKs saw acknowledged must be in the hub ({@link SoakVerdict}); any loss fails the run.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Kills the hub (SIGKILL) again and again under load on MQTT, MQTT_WS, AMQPS and AMQPS_WS and "
                + "checks that nothing acknowledged was lost.")
final class SoakScenario implements Callable<Integer> {
    private static final String MODULE_ID = "soak-module";
    private static final Duration DRAIN_POLL = Duration.ofMillis(200);

    @Option(names = "--seed", defaultValue = "22", description = "Seeds the kill moments and the load (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duration", defaultValue = "30m", converter = DurationOption.class,
            description = "How long the hub is killed and restarted, e.g. 120s, 30m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--kill-every-min", defaultValue = "10", description = "Seconds between kills, at least (default: ${DEFAULT-VALUE}).")
    int killEveryMin;

    @Option(names = "--kill-every-max", defaultValue = "60", description = "Seconds between kills, at most (default: ${DEFAULT-VALUE}).")
    int killEveryMax;

    @Option(names = "--min-kills", defaultValue = "0",
            description = "Keeps killing past --duration until the hub was killed this often (default: ${DEFAULT-VALUE}).")
    int minKills;

    @Option(names = "--hub-arg", description = "An extra option for the hub's start command; repeat for more "
            + "(e.g. --hub-arg=--telemetry-retention=0 shows the soak catching a hub that loses telemetry).")
    List<String> hubArguments = new ArrayList<>();

    @Option(names = "--devices-per-transport", defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
    int devicesPerTransport;

    @Option(names = "--transports", split = ",", defaultValue = "MQTT,MQTT_WS,AMQPS,AMQPS_WS",
            description = "Device transports (default: ${DEFAULT-VALUE}).")
    List<IotHubClientProtocol> transports;

    @Option(names = "--telemetry-interval-ms", defaultValue = "1000",
            description = "Each device sends a message this often, one unacknowledged at most (default: ${DEFAULT-VALUE}).")
    int telemetryIntervalMillis;

    @Option(names = "--back-end-interval-ms", defaultValue = "100",
            description = "Pause between the back-end's method calls, C2D sends and desired patches, each (default: ${DEFAULT-VALUE}).")
    int backEndIntervalMillis;

    @Option(names = "--calm", defaultValue = "15s", converter = DurationOption.class,
            description = "After the last kill, how long the load goes on with the hub left running (default: ${DEFAULT-VALUE}).")
    Duration calm;

    @Option(names = "--drain-timeout", defaultValue = "180s", converter = DurationOption.class,
            description = "After the last kill, how long to wait for everything acknowledged to be read (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--hub-jar", defaultValue = "local-hub/target/local-hub.jar",
            description = "The hub's runnable jar (default: ${DEFAULT-VALUE}).")
    Path hubJar;

    @Option(names = "--data-dir", description = "The hub's data directory, made if missing (default: a new temporary one).")
    Path dataDirectory;

    @Option(names = "--bind", defaultValue = "127.0.22.3", description = "The hub's address and host name (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(names = "--https-port", defaultValue = "8443", description = "Default: ${DEFAULT-VALUE}.")
    int httpsPort;

    @Option(names = "--reads-log", hidden = true, description = "Writes every event the processor read, per partition.")
    Path readsLog;

    PrintStream out = System.out;

    /** The soak's figures, for a caller such as the CI test. */
    record Outcome(int kills, List<HubProcess.Start> starts, List<Long> residentBeforeKill, long residentAtEnd,
                   SoakVerdict verdict, List<SoakTelemetryReader.Rewind> rewinds, long unexplainedRewinds) {
    }

    Outcome outcome;

    @Override
    public Integer call() throws Exception {
        if (killEveryMin < 1 || killEveryMax < killEveryMin) {
            throw new IllegalArgumentException("--kill-every-min must be at least 1 and at most --kill-every-max");
        }
        outcome = run();
        SoakVerdict verdict = outcome.verdict();
        boolean passed = verdict.lost().isEmpty() && verdict.violations().isEmpty() && outcome.unexplainedRewinds() == 0;
        out.println(passed ? "soak: PASSED, 0 lost" : "soak: FAILED, " + verdict.lost().size() + " lost, "
                + verdict.violations().size() + " violations, " + outcome.unexplainedRewinds() + " unexplained rewinds");
        return passed ? 0 : 1;
    }

    Outcome run() throws Exception {
        Path data = dataDirectory != null ? dataDirectory : Files.createTempDirectory("hub-soak-");
        Files.createDirectories(data);
        Path log = data.resolveSibling(data.getFileName() + ".log");
        out.printf("soak: seed %d, %s, kills every %d-%d s, %d devices on each of %s; hub %s on %s, log %s%n",
                seed, duration, killEveryMin, killEveryMax, devicesPerTransport, transports, data, bindAddress, log);
        Registered registered = register(data);

        Random chaos = new Random(seed);
        Random load = new Random(seed + 1);
        List<HubProcess.Start> starts = new ArrayList<>();
        List<Long> residentBeforeKill = new ArrayList<>();
        SSLContext trustHubCa = TrustedCa.trustingOnly(registered.caFile());
        // The service SDK speaks HTTPS through HttpsURLConnection's default socket factory.
        HttpsURLConnection.setDefaultSSLSocketFactory(trustHubCa.getSocketFactory());
        AzureSasCredential owner = new AzureSasCredential(SasSigner.sign(registered.ownerKey(), bindAddress,
                Instant.now().plus(duration).plus(Duration.ofHours(2)).getEpochSecond(), "iothubowner"));

        try (HubProcess hub = new HubProcess(hubJar, data, bindAddress, httpsPort, hubArguments, log)) {
            starts.add(report(hub.start(), "first start"));
            Map<String, SoakDevice> devices = new LinkedHashMap<>();
            registered.devices().forEach((id, device) -> devices.put(id, new SoakDevice(id, registered.protocols().get(id),
                    ConnectionStrings.device(bindAddress, device), trustHubCa, hub::epoch)));
            connectAll(devices.values());
            SoakBackEnd backEnd = new SoakBackEnd(bindAddress, httpsPort, owner, trustHubCa);
            backEnd.keepFeedbackRunning();
            SoakTelemetryReader reader = new SoakTelemetryReader(hub.eventHubsConnectionString(), readsLog != null);
            reader.start();
            SoakLoad running = SoakLoad.start(devices.values(), backEnd, load, Duration.ofMillis(telemetryIntervalMillis),
                    Duration.ofMillis(backEndIntervalMillis));
            long startedAt = System.nanoTime();
            long end = startedAt + duration.toNanos();
            long nextKill = startedAt + seconds(chaos);
            int kills = 0;
            try (Progress ignored = new Progress(out, "soak", () -> String.format("%d kills, %,d telemetry acked, %,d read",
                    starts.size() - 1, devices.values().stream().mapToLong(d -> d.acknowledged().size()).sum(),
                    reader.events()))) {
                while (true) {
                    long now = System.nanoTime();
                    if (nextKill >= end && kills >= minKills) {
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, end - now));
                        break;
                    }
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, nextKill - now));
                    residentBeforeKill.add(hub.residentBytes());
                    hub.kill();
                    kills++;
                    starts.add(report(hub.start(), "restart after kill " + kills));
                    // The next kill comes on the seeded timeline, but never before the hub has served a little.
                    nextKill = Math.max(nextKill + seconds(chaos), System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
                }
            }
            out.printf("soak: %d kills; the load goes on for %s with the hub left running%n", kills, calm);
            TimeUnit.NANOSECONDS.sleep(calm.toNanos());
            out.println("soak: stopping the load and draining");
            running.stop();
            SoakVerdict verdict = drainAndVerify(devices, backEnd, reader, registered, owner);
            long residentAtEnd = hub.residentBytes();
            reader.close();
            backEnd.close();
            devices.values().forEach(SoakDevice::close);
            List<SoakTelemetryReader.Rewind> rewinds = reader.rewinds();
            if (readsLog != null) {
                List<String> lines = new ArrayList<>();
                reader.trace().forEach((partition, events) -> events.forEach(e -> lines.add(partition + " " + e)));
                Files.write(readsLog, lines);
            }
            List<SoakTelemetryReader.Rewind> unexplained = rewinds.stream()
                    .filter(r -> !r.explained()).toList();
            printFigures(kills, starts, residentBeforeKill, residentAtEnd, verdict, rewinds, unexplained);
            return new Outcome(kills, starts, residentBeforeKill, residentAtEnd, verdict, rewinds, unexplained.size());
        }
    }

    private HubProcess.Start report(HubProcess.Start start, String what) {
        out.printf("soak: hub %s serving after %d ms, RSS %,d MB%n", what, start.toServing().toMillis(),
                start.residentBytes() / 1048576);
        return start;
    }

    private long seconds(Random chaos) {
        int spread = killEveryMax - killEveryMin;
        double seconds = killEveryMin + (spread == 0 ? 0 : chaos.nextDouble() * spread);
        return (long) (seconds * 1e9);
    }

    /** The soak's devices (and a module on each), registered before the hub first starts. */
    private record Registered(Map<String, DeviceIdentity> devices, Map<String, IotHubClientProtocol> protocols,
                              Map<String, ModuleIdentity> modules, String ownerKey, Path caFile) {
    }

    private Registered register(Path data) {
        Map<String, DeviceIdentity> devices = new LinkedHashMap<>();
        Map<String, IotHubClientProtocol> protocols = new LinkedHashMap<>();
        Map<String, ModuleIdentity> modules = new LinkedHashMap<>();
        try (HubIdentity identity = HubIdentity.openOrCreate(data, List.of(bindAddress), Clock.systemUTC())) {
            for (IotHubClientProtocol protocol : transports) {
                for (int i = 1; i <= devicesPerTransport; i++) {
                    String id = String.format("soak-%s-%03d", protocol.name().toLowerCase(Locale.ROOT).replace("_", ""), i);
                    DeviceIdentity device = identity.registry().findDevice(id)
                            .orElseGet(() -> identity.registry().createDevice(id));
                    ModuleIdentity module = identity.registry().findModule(id, MODULE_ID)
                            .orElseGet(() -> identity.registry().createModule(id, MODULE_ID, null, null, null));
                    devices.put(id, device);
                    protocols.put(id, protocol);
                    modules.put(id, module);
                }
            }
            String ownerKey = identity.registry().findPolicy("iothubowner").orElseThrow().primaryKey();
            return new Registered(devices, protocols, modules, ownerKey, identity.certificates().caCertificateFile());
        }
    }

    private void connectAll(Iterable<SoakDevice> devices) throws Exception {
        ExecutorService opening = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (SoakDevice device : devices) {
                opened.add(opening.submit(() -> {
                    device.connect();
                    return null;
                }));
            }
            for (Future<?> future : opened) {
                future.get();
            }
        } finally {
            opening.shutdownNow();
        }
        out.println("soak: every device connected");
    }

    private SoakVerdict drainAndVerify(Map<String, SoakDevice> devices, SoakBackEnd backEnd, SoakTelemetryReader reader,
                                       Registered registered, AzureSasCredential owner) throws Exception {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        // Keep the feedback receiver and the SDKs' reconnects going while waiting.
        ExecutorService keeping = Executors.newSingleThreadExecutor();
        keeping.submit(() -> SoakLoad.every(Duration.ofSeconds(2), () -> {
            backEnd.keepFeedbackRunning();
            devices.values().forEach(SoakDevice::reconnectIfGivenUp);
        }));
        try {
            // An operation the SDK never calls back on is not acknowledged: wait a little for the last ones, no more.
            awaitUntil(Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)),
                    () -> devices.values().stream().allMatch(SoakDevice::idle), "devices' last sends settled");
            devices.values().stream().filter(device -> !device.idle()).forEach(device ->
                    out.println("soak: still in flight on " + device.deviceId() + ": " + device.inFlight()));
            awaitUntil(deadline, () -> devices.values().stream().allMatch(device -> {
                Set<Long> read = new HashSet<>();
                reader.reads(device.deviceId()).forEach(r -> read.add(r.deviceSequence()));
                return read.containsAll(device.acknowledged());
            }), "every acknowledged message read");
            awaitUntil(deadline, () -> backEnd.accepted().entrySet().stream().allMatch(sent ->
                    devices.get(sent.getValue()).cloudToDevice().containsKey(sent.getKey())
                            || !backEnd.feedback().getOrDefault(sent.getKey(), List.of()).isEmpty()), "cloud-to-device delivered");
            awaitUntil(deadline, () -> backEnd.accepted().keySet().stream().allMatch(id -> backEnd.feedback().containsKey(id)),
                    "feedback for every cloud-to-device message");
        } finally {
            keeping.shutdownNow();
        }
        SoakVerdict verdict = new SoakVerdict();
        RegistryClient registry = new RegistryClient(bindAddress + ":" + httpsPort, owner);
        for (SoakDevice device : devices.values()) {
            verdict.telemetry(device, reader);
            verdict.methods(device, backEnd);
            verdict.twin(device, backEnd.desired(device.deviceId()), backEnd.twin(device.deviceId()));
            DeviceIdentity expected = registered.devices().get(device.deviceId());
            Device actual = registry.getDevice(device.deviceId());
            verdict.registry(device.protocol(), device.deviceId(), expected.primaryKey().equals(actual.getPrimaryKey())
                    && expected.secondaryKey().equals(actual.getSecondaryKey()));
            ModuleIdentity expectedModule = registered.modules().get(device.deviceId());
            Module module = registry.getModule(device.deviceId(), MODULE_ID);
            verdict.registry(device.protocol(), device.deviceId() + "/" + MODULE_ID,
                    expectedModule.primaryKey().equals(module.getPrimaryKey())
                            && expectedModule.secondaryKey().equals(module.getSecondaryKey()));
        }
        verdict.cloudToDevice(devices, backEnd);
        return verdict;
    }

    private void awaitUntil(long deadline, BooleanSupplier condition, String what) throws InterruptedException {
        long started = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                out.printf("soak: gave up waiting until %s (drain timeout); the check below says what is missing%n", what);
                return;
            }
            Thread.sleep(DRAIN_POLL.toMillis());
        }
        out.printf("soak: %s after %d ms%n", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void printFigures(int kills, List<HubProcess.Start> starts, List<Long> residentBeforeKill, long residentAtEnd,
                              SoakVerdict verdict, List<SoakTelemetryReader.Rewind> rewinds,
                              List<SoakTelemetryReader.Rewind> unexplained) {
        out.println();
        verdict.print(out);
        long toOlder = rewinds.stream().filter(r -> r.explained() && r.resumedAfter() >= 0
                && r.resumedAfter() != r.checkpoint()).count();
        out.printf("processor rewinds: %d; each resumed right after one of its checkpoints (every %d events): %s"
                        + " (%d after an older checkpoint than the last)%n",
                rewinds.size(), SoakTelemetryReader.CHECKPOINT_EVERY,
                unexplained.isEmpty() ? "yes" : "NO, " + unexplained.size() + " did not", toOlder);
        unexplained.stream().limit(20).forEach(r -> out.println("UNEXPLAINED rewind " + r));
        out.printf("kills: %d (SIGKILL)%n", kills);
        StringBuilder serving = new StringBuilder();
        StringBuilder resident = new StringBuilder();
        for (int i = 0; i < starts.size(); i++) {
            HubProcess.Start start = starts.get(i);
            serving.append(i == 0 ? "" : ", ").append(start.toServing().toMillis());
            resident.append(i == 0 ? "" : ", ").append(start.residentBytes() / 1048576);
        }
        out.println("restart to serving, ms (first start, then each restart): " + serving);
        out.println("RSS when serving, MB: " + resident);
        out.println("RSS just before each kill, MB: " + residentBeforeKill.stream().map(b -> Long.toString(b / 1048576))
                .reduce((a, b) -> a + ", " + b).orElse("-"));
        out.printf("RSS at the end, MB: %d%n", residentAtEnd / 1048576);
    }
}
