package io.github.iothubquickstart.benchmarks;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * One connected fleet publishing QoS 1 telemetry to one server, measured in periods that can be paused and resumed:
 * a row's rounds alternate between servers on fleets that stay connected.
 */
final class TelemetryLoad implements AutoCloseable {
    private static final long DRAIN_TIMEOUT_MILLIS = 30_000;

    /**
     * One measured period: acknowledged msg/s, latency, how many cores the server kept busy, and its CPU time per
     * acknowledged message in user space and in the kernel (the split says whose code a difference is in).
     */
    record Period(long acked, double ackedPerSecond, Histogram latency, double serverCores, double userMicrosPerMessage,
                  double kernelMicrosPerMessage) {
        static Period of(long acked, double seconds, Histogram latency, ProcessMemory.CpuTime serverCpu) {
            return new Period(acked, acked / seconds, latency, serverCpu.seconds() / seconds,
                    serverCpu.userSeconds() * 1e6 / acked, serverCpu.kernelSeconds() * 1e6 / acked);
        }
    }

    private final MqttFleet fleet;
    private final MqttTarget target;
    private final int inFlight;
    private final PrintStream out;
    private final Latency latency = new Latency();
    private final LongAdder acked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** Publishes written and neither acknowledged nor failed yet, over all devices. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final List<Publisher> publishers = new ArrayList<>();

    TelemetryLoad(MqttFleet fleet, MqttTarget target, int inFlight, int payloadBytes, PrintStream out) {
        this.fleet = fleet;
        this.target = target;
        this.inFlight = inFlight;
        this.out = out;
        for (MqttFleet.Device device : fleet.devices()) {
            publishers.add(new Publisher(device, payload(device.deviceId(), payloadBytes)));
        }
    }

    long failed() {
        return failed.sum();
    }

    /** Publishes for {@code seconds}, measuring nothing; then waits until every publish is answered. */
    void warmUp(int seconds) throws InterruptedException {
        try (Progress ignored = startPublishing("warm-up")) {
            TimeUnit.SECONDS.sleep(seconds);
            stop();
        }
        out.printf("  %s: warmed up for %d s, %,d acked%n", target.name(), seconds, acked.sum());
    }

    /**
     * Publishes for {@code unmeasuredSeconds} (discarded), then {@code seconds} measured; then stops and waits until
     * every publish is answered, so the next period (of this or another server) starts from nothing in flight.
     */
    Period run(int unmeasuredSeconds, int seconds) throws InterruptedException {
        try (Progress ignored = startPublishing("telemetry")) {
            TimeUnit.SECONDS.sleep(unmeasuredSeconds);
            latency.take();
            long ackedBefore = acked.sum();
            ProcessMemory.CpuTime cpuBefore = cpuTime();
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long ackedDuring = acked.sum() - ackedBefore;
            double elapsed = (System.nanoTime() - start) / 1e9;
            ProcessMemory.CpuTime serverCpu = cpuTime().since(cpuBefore);
            Histogram histogram = latency.take();
            stop();
            Period period = Period.of(ackedDuring, elapsed, histogram, serverCpu);
            out.printf("  %s: %,.0f acked msg/s over %.1f s; latency %s; %,d publishes failed; server busy %.2f cores"
                            + " (CPU per message: %.1f us user + %.1f us kernel)%n",
                    target.name(), period.ackedPerSecond(), elapsed, Latency.summary(histogram), failed.sum(),
                    period.serverCores(), period.userMicrosPerMessage(), period.kernelMicrosPerMessage());
            return period;
        }
    }

    /** Every device starts publishing; the progress line, labelled {@code phase}, runs until closed. */
    private Progress startPublishing(String phase) {
        publishers.forEach(publisher -> publisher.device.context().runOnContext(ignored -> publisher.start(inFlight)));
        return new Progress(out, phase + " " + target.name(),
                () -> String.format("%,d acked, %,d failed", acked.sum(), failed.sum()));
    }

    private void stop() throws InterruptedException {
        publishers.forEach(Publisher::stop);
        long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MILLIS;
        while (outstanding.get() > 0 && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        if (outstanding.get() > 0) {
            out.printf("  %s: %,d publishes still unanswered after %d s%n", target.name(), outstanding.get(),
                    DRAIN_TIMEOUT_MILLIS / 1000);
        }
    }

    private ProcessMemory.CpuTime cpuTime() {
        return target.pid().isPresent() ? ProcessMemory.cpuTime(target.pid().getAsLong())
                : new ProcessMemory.CpuTime(Double.NaN, Double.NaN);
    }

    @Override
    public void close() throws InterruptedException {
        publishers.forEach(Publisher::stop);
        fleet.close();
    }

    private static Buffer payload(String deviceId, int payloadBytes) {
        String start = "{\"deviceId\":\"" + deviceId + "\",\"temperature\":21.53,\"humidity\":61.07,\"pad\":\"";
        String end = "\"}";
        int padding = Math.max(0, payloadBytes - start.length() - end.length());
        return Buffer.buffer((start + "x".repeat(padding) + end).getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps {@code inFlight} QoS 1 publishes of one device outstanding; runs only on the device's event loop. */
    private final class Publisher {
        private final MqttFleet.Device device;
        private final Buffer payload;
        private final String topic;
        /** Packet id to send time; and acks that overtook the write's completion (packet id to ack time). */
        private final Map<Integer, Long> sentAt = new HashMap<>();
        private final Map<Integer, Long> ackedEarly = new HashMap<>();
        private volatile boolean running;

        Publisher(MqttFleet.Device device, Buffer payload) {
            this.device = device;
            this.payload = payload;
            this.topic = "devices/" + device.deviceId() + "/messages/events/";
        }

        void start(int inFlight) {
            running = true;
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
            outstanding.incrementAndGet();
            device.client().publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false).onComplete(written -> {
                if (written.failed()) {
                    outstanding.decrementAndGet();
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
            outstanding.decrementAndGet();
            latency.recordNanos(nanos);
            acked.increment();
            publish();
        }
    }
}
