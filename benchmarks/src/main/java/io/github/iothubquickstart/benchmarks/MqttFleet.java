package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many MQTT devices connected over TLS to one target, spread evenly over the load generator's event loops. Each
 * device's client is only ever touched on its own event loop.
 */
final class MqttFleet implements AutoCloseable {
    private static final int CLOSE_TIMEOUT_SECONDS = 30;

    /** One connected device and the event loop it lives on. */
    record Device(int index, String deviceId, MqttClient client, Context context) {
    }

    private final List<Device> devices;
    private final int failures;
    private final double connectSeconds;
    private final String firstFailure;
    private final Drops drops;

    /** Connections that closed before the fleet closed them: the server dropped them, or the network did. */
    private static final class Drops {
        final AtomicInteger count = new AtomicInteger();
        volatile boolean closing;

        void closed() {
            if (!closing) {
                count.incrementAndGet();
            }
        }
    }

    private MqttFleet(List<Device> devices, int failures, double connectSeconds, String firstFailure, Drops drops) {
        this.devices = devices;
        this.failures = failures;
        this.connectSeconds = connectSeconds;
        this.firstFailure = firstFailure;
        this.drops = drops;
    }

    /**
     * Connects {@code count} devices, at most {@code concurrency} handshakes at a time, waiting at most
     * {@code timeout}; devices that fail are counted, not retried.
     */
    static MqttFleet connect(Vertx vertx, int eventLoops, MqttTarget target, int count, int concurrency,
                             Duration timeout, PrintStream out, int keepAliveSeconds) throws InterruptedException {
        return connect(vertx, eventLoops, target, count, concurrency, timeout, out, keepAliveSeconds, List.of());
    }

    /**
     * As above, device {@code i} connecting from {@code sourceAddresses[i % n]} (none: the system's choice): one
     * source address has at most ~28,000 ephemeral ports per server address and port.
     */
    static MqttFleet connect(Vertx vertx, int eventLoops, MqttTarget target, int count, int concurrency,
                             Duration timeout, PrintStream out, int keepAliveSeconds, List<String> sourceAddresses)
            throws InterruptedException {
        if (count > target.logins().count()) {
            throw new IllegalArgumentException("only " + target.logins().count() + " logins for " + count + " devices");
        }
        List<Context> loops = new ArrayList<>();
        for (int i = 0; i < eventLoops; i++) {
            loops.add(vertx.getOrCreateContext()); // from a non-Vert.x thread: a new context on the next loop
        }
        PemTrustOptions trust = new PemTrustOptions().addCertPath(target.caFile().toString());
        Device[] connected = new Device[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(count);
        Drops drops = new Drops();
        long start = System.nanoTime();
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int index = next.getAndIncrement();
            if (index >= count) {
                return;
            }
            Context context = loops.get(index % loops.size());
            context.runOnContext(ignored -> {
                MqttClientOptions options = new MqttClientOptions()
                        .setSsl(true)
                        .setTrustOptions(trust)
                        .setHostnameVerificationAlgorithm("HTTPS")
                        .setCleanSession(true)
                        .setKeepAliveInterval(keepAliveSeconds)
                        .setMaxInflightQueue(1024)
                        .setAutoKeepAlive(true);
                options.setTcpNoDelay(true);
                options.setSslEngineOptions(SslEngines.fastest());
                if (!sourceAddresses.isEmpty()) {
                    options.setLocalAddress(sourceAddresses.get(index % sourceAddresses.size()));
                }
                target.logins().apply(index, options);
                MqttClient client = MqttClient.create(vertx, options);
                client.connect(target.port(), target.host()).onComplete(result -> {
                    if (result.succeeded()) {
                        client.closeHandler(closed -> drops.closed());
                        connected[index] = new Device(index, target.logins().deviceId(index), client, context);
                        succeeded.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, String.valueOf(result.cause()));
                    }
                    done.countDown();
                    startNext[0].run();
                });
            });
        };
        try (Progress ignored = new Progress(out, "connect " + target.name(),
                () -> succeeded.get() + " connected, " + failed.get() + " failed of " + count)) {
            for (int i = 0; i < Math.min(concurrency, count); i++) {
                startNext[0].run();
            }
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                firstFailure.compareAndSet(null, "timed out after " + timeout.toSeconds() + " s");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Device> devices = new ArrayList<>();
        for (Device device : connected) {
            if (device != null) {
                devices.add(device);
            }
        }
        return new MqttFleet(devices, count - devices.size(), seconds, firstFailure.get(), drops);
    }

    List<Device> devices() {
        return devices;
    }

    int failures() {
        return failures;
    }

    double connectSeconds() {
        return connectSeconds;
    }

    String firstFailure() {
        return firstFailure;
    }

    /** Connections closed so far that the fleet did not close itself. */
    int dropped() {
        return drops.count.get();
    }

    /** Disconnects every device, waiting (bounded) until all are closed. */
    @Override
    public void close() throws InterruptedException {
        drops.closing = true;
        CountDownLatch closed = new CountDownLatch(devices.size());
        for (Device device : devices) {
            device.context().runOnContext(ignored -> device.client().disconnect().onComplete(done -> closed.countDown()));
        }
        closed.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
