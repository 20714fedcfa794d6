package io.github.iothubquickstart.benchmarks;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a connected fleet connected for a while (its clients send their keep-alives), the first {@code senders} devices
 * each publishing one QoS 1 message a second; counts what was acknowledged, what failed and the connections dropped,
 * and the server's CPU meanwhile.
 */
final class FleetHold {
    private static final long DRAIN_MILLIS = 10_000;

    /** What a hold saw: {@code unacknowledged} were published and not acknowledged by the end of the drain. */
    record Outcome(int seconds, int senders, long published, long acknowledged, long failed, long unacknowledged,
                   int dropped, double serverCpuSeconds) {
        double serverCores() {
            return serverCpuSeconds / seconds;
        }
    }

    private final Vertx vertx;
    private final MqttFleet fleet;
    private final PrintStream out;

    FleetHold(Vertx vertx, MqttFleet fleet, PrintStream out) {
        this.vertx = vertx;
        this.fleet = fleet;
        this.out = out;
    }

    Outcome hold(String name, OptionalLong serverPid, int seconds, int senders) throws InterruptedException {
        LongAdder published = new LongAdder();
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        int sending = Math.min(senders, fleet.devices().size());
        long[] timers = new long[sending];
        for (int i = 0; i < sending; i++) {
            MqttFleet.Device device = fleet.devices().get(i);
            int slot = i;
            String topic = "devices/" + device.deviceId() + "/messages/events/";
            Buffer payload = Buffer.buffer(("{\"deviceId\":\"" + device.deviceId() + "\",\"temperature\":21.5}")
                    .getBytes(StandardCharsets.UTF_8));
            device.context().runOnContext(ignored -> {
                device.client().publishCompletionHandler(packetId -> acknowledged.increment());
                // Spread over the second, so the load is 1 msg/s per device and not a burst a second.
                timers[slot] = vertx.setPeriodic(1 + ThreadLocalRandom.current().nextLong(1000), 1000, tick -> {
                    if (!device.client().isConnected()) {
                        failed.increment();
                        return;
                    }
                    device.client().publish(topic, payload, MqttQoS.AT_LEAST_ONCE, false, false).onComplete(written -> {
                        if (written.succeeded()) {
                            published.increment();
                        } else {
                            failed.increment();
                        }
                    });
                });
            });
        }
        double cpuBefore = serverPid.isPresent() ? ProcessMemory.cpuSeconds(serverPid.getAsLong()) : Double.NaN;
        try (Progress ignored = new Progress(out, "hold " + name, () -> String.format(
                "%,d connected, %,d dropped; %,d published, %,d acked, %,d failed", fleet.devices().size(),
                fleet.dropped(), published.sum(), acknowledged.sum(), failed.sum()))) {
            TimeUnit.SECONDS.sleep(seconds);
        }
        double cpu = serverPid.isPresent() ? ProcessMemory.cpuSeconds(serverPid.getAsLong()) - cpuBefore : Double.NaN;
        for (int i = 0; i < sending; i++) {
            MqttFleet.Device device = fleet.devices().get(i);
            int slot = i;
            device.context().runOnContext(ignored -> vertx.cancelTimer(timers[slot]));
        }
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        while (acknowledged.sum() < published.sum() && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new Outcome(seconds, sending, published.sum(), acknowledged.sum(), failed.sum(),
                published.sum() - acknowledged.sum(), fleet.dropped(), cpu);
    }
}
