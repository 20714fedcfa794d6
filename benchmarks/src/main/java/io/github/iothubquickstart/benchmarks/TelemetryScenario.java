package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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

    @Option(names = "--concurrency", defaultValue = "100", description = "TLS handshakes at once while connecting.")
    int concurrency;

    PrintStream out = System.out;

    record Outcome(String target, int devices, long acked, long failed, double ackedPerSecond, Histogram latency,
                   double serverCores, String serverMemory) {
    }

    private static double cpuSeconds(MqttTarget target) {
        return target.pid().isPresent() ? ProcessMemory.cpuSeconds(target.pid().getAsLong()) : Double.NaN;
    }

    @Override
    public Integer call() throws Exception {
        List<Outcome> outcomes = run();
        return outcomes.stream().allMatch(outcome -> outcome.acked() > 0) ? 0 : 1;
    }

    List<Outcome> run() throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        int most = deviceCounts.stream().mapToInt(Integer::intValue).max().orElse(0);
        Vertx vertx = targets.clientVertx();
        try (HubIdentity hub = targets.openHub()) {
            List<MqttTarget> mqttTargets = targets.mqttTargets(hub, most);
            for (int devices : deviceCounts) {
                Map<String, Outcome> byTarget = new LinkedHashMap<>();
                for (MqttTarget target : mqttTargets) {
                    byTarget.put(target.name(), measure(vertx, target, devices));
                }
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
            targets.appendResult(out, String.format("| telemetry | %s | %,d devices x %d in flight, %d B QoS 1 | %,.0f acked msg/s (server busy %s cores) | %s / %s / %s | %s | %s |",
                    outcome.target(), devices, inFlight, payloadBytes, outcome.ackedPerSecond(),
                    Double.isNaN(outcome.serverCores()) ? "?" : String.format("%.2f", outcome.serverCores()),
                    Latency.ms(Latency.millisAt(outcome.latency(), 50)), Latency.ms(Latency.millisAt(outcome.latency(), 99)),
                    Latency.ms(Latency.millisAt(outcome.latency(), 99.9)), outcome.serverMemory(),
                    ratio + (outcome.failed() > 0 ? " (" + outcome.failed() + " publishes failed)" : "")));
        }
    }

    private Outcome measure(Vertx vertx, MqttTarget target, int devices) throws Exception {
        out.printf("telemetry: %,d devices x %d in flight to %s on %s:%d%n", devices, inFlight, target.name(),
                target.host(), target.port());
        MqttFleet fleet = MqttFleet.connect(vertx, targets.clientThreads, target, devices, concurrency,
                Duration.ofSeconds(300), out, 600);
        Latency latency = new Latency();
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Publisher> publishers = new ArrayList<>();
        try {
            for (MqttFleet.Device device : fleet.devices()) {
                publishers.add(new Publisher(device, payload(device.deviceId()), latency, acked, failed));
            }
            publishers.forEach(publisher -> publisher.device.context().runOnContext(ignored -> publisher.start(inFlight)));
            try (Progress ignored = new Progress(out, "telemetry " + target.name(),
                    () -> String.format("%,d acked, %,d failed", acked.sum(), failed.sum()))) {
                TimeUnit.SECONDS.sleep(warmupSeconds);
                latency.take();
                long ackedBefore = acked.sum();
                double cpuBefore = cpuSeconds(target);
                long start = System.nanoTime();
                TimeUnit.SECONDS.sleep(seconds);
                long ackedDuring = acked.sum() - ackedBefore;
                double serverCores = (cpuSeconds(target) - cpuBefore) / ((System.nanoTime() - start) / 1e9);
                double elapsed = (System.nanoTime() - start) / 1e9;
                Histogram histogram = latency.take();
                publishers.forEach(Publisher::stop);
                double rate = ackedDuring / elapsed;
                out.printf("  %s: %,.0f acked msg/s over %.1f s; latency %s; %,d publishes failed; server busy %.2f cores%n",
                        target.name(), rate, elapsed, Latency.summary(histogram), failed.sum(), serverCores);
                TimeUnit.MILLISECONDS.sleep(500); // let the last acknowledgements arrive before disconnecting
                String serverMemory = ProcessMemory.residentColumn(target.pid());
                out.printf("  %s after the run: %s%n", target.name(), serverMemory);
                return new Outcome(target.name(), devices, ackedDuring, failed.sum(), rate, histogram, serverCores,
                        serverMemory);
            }
        } finally {
            publishers.forEach(Publisher::stop);
            fleet.close();
        }
    }

    private Buffer payload(String deviceId) {
        String start = "{\"deviceId\":\"" + deviceId + "\",\"temperature\":21.53,\"humidity\":61.07,\"pad\":\"";
        String end = "\"}";
        int padding = Math.max(0, payloadBytes - start.length() - end.length());
        return Buffer.buffer((start + "x".repeat(padding) + end).getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps {@code inFlight} QoS 1 publishes of one device outstanding; runs only on the device's event loop. */
    private static final class Publisher {
        private final MqttFleet.Device device;
        private final Buffer payload;
        private final String topic;
        private final Latency latency;
        private final LongAdder acked;
        private final LongAdder failed;
        /** Packet id to send time; and acks that overtook the write's completion (packet id to ack time). */
        private final Map<Integer, Long> sentAt = new HashMap<>();
        private final Map<Integer, Long> ackedEarly = new HashMap<>();
        private volatile boolean running = true;

        Publisher(MqttFleet.Device device, Buffer payload, Latency latency, LongAdder acked, LongAdder failed) {
            this.device = device;
            this.payload = payload;
            this.topic = "devices/" + device.deviceId() + "/messages/events/";
            this.latency = latency;
            this.acked = acked;
            this.failed = failed;
        }

        void start(int inFlight) {
            device.client().publishCompletionHandler(this::onAck);
            for (int i = 0; i < inFlight; i++) {
                publish();
            }
        }

        void stop() {
            running = false;
        }

        private void publish() {
            if (!running || !device.client().isConnected()) {
                return;
            }
            long sent = System.nanoTime();
            device.client().publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false).onComplete(written -> {
                if (written.failed()) {
                    failed.increment();
                    return;
                }
                Long ackTime = ackedEarly.remove(written.result());
                if (ackTime != null) {
                    completed(ackTime - sent);
                } else {
                    sentAt.put(written.result(), sent);
                }
            });
        }

        private void onAck(Integer packetId) {
            long now = System.nanoTime();
            Long sent = sentAt.remove(packetId);
            if (sent == null) {
                ackedEarly.put(packetId, now);
            } else {
                completed(now - sent);
            }
        }

        private void completed(long nanos) {
            latency.recordNanos(nanos);
            acked.increment();
            publish();
        }
    }
}
