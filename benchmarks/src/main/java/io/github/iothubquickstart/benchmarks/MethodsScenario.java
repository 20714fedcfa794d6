package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * M callers invoke direct methods over HTTPS (keep-alive) on MQTT devices that answer at once; calls/s and latency.
 */
@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "M HTTPS callers invoke direct methods on devices that answer at once: calls/s and latency.")
final class MethodsScenario implements Callable<Integer> {
    private static final String REQUEST_PREFIX = "$iothub/methods/POST/";
    private static final String RID = "?$rid=";

    @Mixin
    TargetOptions targets = new TargetOptions();

    @Option(names = "--devices", defaultValue = "100", description = "Devices answering (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--callers", defaultValue = "64",
            description = "Concurrent callers, each on its own keep-alive connection (default: ${DEFAULT-VALUE}).")
    int callers;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured time (default: ${DEFAULT-VALUE}).")
    int seconds;

    PrintStream out = System.out;

    record Outcome(long calls, long errors, double callsPerSecond, Histogram latency) {
    }

    @Override
    public Integer call() throws Exception {
        return run().calls() > 0 ? 0 : 1;
    }

    Outcome run() throws Exception {
        Vertx vertx = targets.clientVertx();
        try (HubIdentity hub = targets.openHub()) {
            MqttTarget target = targets.mqttTargets(hub, devices).get(0);
            SharedAccessPolicy service = hub.registry().findPolicy("service").orElseThrow();
            String authorization = SasSigner.sign(service.primaryKey(), targets.hubHost,
                    Instant.now().plusSeconds(24 * 3600).getEpochSecond(), service.name());
            MqttFleet fleet = MqttFleet.connect(vertx, targets.clientThreads, target, devices, 100,
                    Duration.ofSeconds(300), out, 600);
            try {
                answerMethods(fleet);
                Outcome outcome = invoke(vertx, hub, fleet, authorization, target);
                if (targets.plots != null) {
                    Plots.latency(targets.plots.resolve("methods-latency.png"),
                            "Direct methods over HTTPS: " + callers + " callers, " + devices + " devices",
                            List.of(new Plots.Series(targets.hubLabel, outcome.latency())));
                }
                return outcome;
            } finally {
                fleet.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** Every device subscribes to methods and answers each request with status 200 at once. */
    private void answerMethods(MqttFleet fleet) throws InterruptedException {
        CountDownLatch subscribed = new CountDownLatch(fleet.devices().size());
        Buffer answer = Buffer.buffer("{\"ok\":true}");
        for (MqttFleet.Device device : fleet.devices()) {
            device.context().runOnContext(ignored -> {
                device.client().publishHandler(request -> {
                    String topic = request.topicName();
                    int rid = topic.indexOf(RID);
                    if (topic.startsWith(REQUEST_PREFIX) && rid > 0) {
                        device.client().publish("$iothub/methods/res/200/" + topic.substring(rid), answer,
                                MqttQoS.AT_MOST_ONCE, false, false);
                    }
                });
                device.client().subscribeCompletionHandler(ack -> subscribed.countDown());
                device.client().subscribe(REQUEST_PREFIX + "#", MqttQoS.AT_MOST_ONCE.value());
            });
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("devices did not all subscribe to methods within 60 s");
        }
    }

    private Outcome invoke(Vertx vertx, HubIdentity hub, MqttFleet fleet, String authorization, MqttTarget target)
            throws Exception {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                        .setSsl(true)
                        .setSslEngineOptions(SslEngines.fastest())
                        .setTrustOptions(new PemTrustOptions().addCertPath(hub.certificates().caCertificateFile().toString()))
                        .setVerifyHost(true)
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setDefaultHost(targets.hubHost)
                        .setDefaultPort(targets.hubHttpsPort),
                new PoolOptions().setHttp1MaxSize(callers));
        Latency latency = new Latency();
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Caller> running = new ArrayList<>();
        Buffer body = Buffer.buffer("{\"methodName\":\"bench\",\"responseTimeoutInSeconds\":30,"
                + "\"connectTimeoutInSeconds\":0,\"payload\":{\"interval\":10}}");
        out.printf("methods: %d callers on %d devices at https://%s:%d%n", callers, fleet.devices().size(),
                targets.hubHost, targets.hubHttpsPort);
        try (Progress ignored = new Progress(out, "methods",
                () -> String.format("%,d calls, %,d errors", calls.sum(), errors.sum()))) {
            for (int i = 0; i < callers; i++) {
                Context context = vertx.getOrCreateContext();
                Caller caller = new Caller(http, authorization, body, fleet, i, latency, calls, errors, firstError);
                running.add(caller);
                context.runOnContext(started -> caller.next());
            }
            TimeUnit.SECONDS.sleep(warmupSeconds);
            latency.take();
            long before = calls.sum();
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long measured = calls.sum() - before;
            double elapsed = (System.nanoTime() - start) / 1e9;
            Histogram histogram = latency.take();
            running.forEach(Caller::stop);
            double rate = measured / elapsed;
            String serverMemory = ProcessMemory.residentColumn(target.pid());
            out.printf("  %,.0f calls/s over %.1f s; latency %s; %,d errors%s; hub %s%n", rate, elapsed,
                    Latency.summary(histogram), errors.sum(), firstError.get() == null ? "" : " (first: " + firstError.get() + ")",
                    serverMemory);
            targets.appendResult(out, String.format("| methods | %s | %d HTTPS callers, %d devices | %,.0f calls/s | %s / %s / %s | %s | %s |",
                    targets.hubLabel, callers, fleet.devices().size(), rate, Latency.ms(Latency.millisAt(histogram, 50)),
                    Latency.ms(Latency.millisAt(histogram, 99)), Latency.ms(Latency.millisAt(histogram, 99.9)),
                    serverMemory, errors.sum() > 0 ? errors.sum() + " errors" : ""));
            TimeUnit.MILLISECONDS.sleep(500);
            return new Outcome(measured, errors.sum(), rate, histogram);
        } finally {
            running.forEach(Caller::stop);
            http.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** One caller: one method call at a time, round-robin over the devices. */
    private static final class Caller {
        private final HttpClient http;
        private final String authorization;
        private final Buffer body;
        private final MqttFleet fleet;
        private final Latency latency;
        private final LongAdder calls;
        private final LongAdder errors;
        private final AtomicReference<String> firstError;
        private int device;
        private volatile boolean running = true;

        Caller(HttpClient http, String authorization, Buffer body, MqttFleet fleet, int first, Latency latency,
               LongAdder calls, LongAdder errors, AtomicReference<String> firstError) {
            this.http = http;
            this.authorization = authorization;
            this.body = body;
            this.fleet = fleet;
            this.device = first;
            this.latency = latency;
            this.calls = calls;
            this.errors = errors;
            this.firstError = firstError;
        }

        void stop() {
            running = false;
        }

        void next() {
            if (!running) {
                return;
            }
            String deviceId = fleet.devices().get(device++ % fleet.devices().size()).deviceId();
            long start = System.nanoTime();
            http.request(new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setURI("/twins/" + deviceId + "/methods?api-version=2021-04-12")
                            .putHeader("Authorization", authorization)
                            .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().compose(answer -> response.statusCode() == 200
                            ? Future.succeededFuture(answer)
                            : Future.failedFuture("HTTP " + response.statusCode() + ": " + answer)))
                    .onComplete(done -> {
                        if (done.succeeded()) {
                            latency.recordNanos(System.nanoTime() - start);
                            calls.increment();
                        } else {
                            errors.increment();
                            firstError.compareAndSet(null, String.valueOf(done.cause()));
                        }
                        next();
                    });
        }
    }
}
