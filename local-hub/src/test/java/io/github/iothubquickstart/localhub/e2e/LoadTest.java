package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many devices sending telemetry while method calls are in flight: no acknowledged message is lost and no answer
 * reaches the wrong caller. CI runs a short version; the long one in docs/reliability.md uses
 * {@code -Dload.devices=1000 -Dload.callers=200 -Dload.seconds=60}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LoadTest {
    private static final int DEVICES = Integer.getInteger("load.devices", 100);
    private static final int CALLERS = Integer.getInteger("load.callers", 20);
    private static final int SECONDS = Integer.getInteger("load.seconds", 5);
    private static final int IN_FLIGHT_PER_DEVICE = 4;

    // Retention wide enough to keep every message of the run, so that each acknowledged one can be looked up.
    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.telemetryRetention(
            new TelemetryRetention(Long.MAX_VALUE, Duration.ofDays(1)))).build();
    static RawMqttDevices devices;

    /** Per device, the numbers of its acknowledged messages: compact, so the heap figures are about the hub. */
    private final BitSet[] acknowledged = new BitSet[DEVICES];
    private final AtomicLong answeredCalls = new AtomicLong();
    private final AtomicLong wrongAnswers = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private volatile boolean running = true;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void nothingAcknowledgedIsLostAndEveryAnswerReachesItsCaller() throws Exception {
        List<String> deviceIds = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            DeviceIdentity device = devices.device("load-" + i);
            deviceIds.add(device.deviceId());
            acknowledged[i] = new BitSet();
            startDevice(devices.connect(device), i);
        }
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> callerLoops = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            int caller = i;
            callerLoops.add(callers.submit(() -> callInALoop(caller, deviceIds)));
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) / 2);
        long heapBefore = usedHeapAfterGc();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) / 2);
        running = false;
        for (Future<?> loop : callerLoops) {
            loop.get(60, TimeUnit.SECONDS);
        }
        callers.shutdown();
        Thread.sleep(500);
        long heapAfter = usedHeapAfterGc();

        BitSet[] stored = storedNumbers();
        long acknowledgedCount = 0;
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            acknowledgedCount += acknowledged[i].cardinality();
            BitSet missing = (BitSet) acknowledged[i].clone();
            missing.andNot(stored[i]);
            missing.stream().limit(10).forEach(n -> lost.add(n + ""));
        }
        System.out.printf("load: %d devices, %d callers, %d s: %d messages acknowledged, %d lost; %d calls answered,"
                        + " %d wrong answers, %d failed; heap after GC %d MB under load, %d MB after%n",
                DEVICES, CALLERS, SECONDS, acknowledgedCount, lost.size(), answeredCalls.get(), wrongAnswers.get(),
                failedCalls.get(), heapBefore >> 20, heapAfter >> 20);
        assertThat(acknowledgedCount).isPositive();
        assertThat(lost).as("acknowledged but not stored").isEmpty();
        assertThat(answeredCalls.get()).isPositive();
        assertThat(wrongAnswers.get()).as("answers that reached the wrong caller").isZero();
        assertThat(failedCalls.get()).as("calls that failed").isZero();
    }

    /** Publishes with a small window of messages in flight, and answers every method call with its own payload. */
    private void startDevice(MqttClient client, int device) throws Exception {
        String deviceId = "load-" + device;
        Map<Integer, Integer> inFlight = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        Runnable publishOne = () -> {
            if (running && client.isConnected()) {
                int number = next.incrementAndGet();
                client.publish("devices/" + deviceId + "/messages/events/",
                        Buffer.buffer("{\"device\":" + device + ",\"n\":" + number + "}"),
                        MqttQoS.AT_LEAST_ONCE, false, false).onSuccess(packetId -> inFlight.put(packetId, number));
            }
        };
        client.publishCompletionHandler(packetId -> {
            Integer number = inFlight.remove(packetId);
            if (number != null) {
                synchronized (acknowledged[device]) {
                    acknowledged[device].set(number);
                }
            }
            publishOne.run();
        });
        client.publishHandler(request -> {
            String requestId = request.topicName().substring(request.topicName().indexOf("$rid=") + 5);
            client.publish("$iothub/methods/res/200/?$rid=" + requestId, request.payload(), MqttQoS.AT_MOST_ONCE, false, false);
        });
        client.subscribe("$iothub/methods/POST/#", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        devices.vertx.runOnContext(ignored -> {
            for (int i = 0; i < IN_FLIGHT_PER_DEVICE; i++) {
                publishOne.run();
            }
        });
    }

    private void callInALoop(int caller, List<String> deviceIds) {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        String token = SasSigner.sign(service.primaryKey(), hub.address(), Instant.now().plusSeconds(3600).getEpochSecond(), "service");
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        int call = 0;
        while (running) {
            String deviceId = deviceIds.get((caller * 31 + call++) % deviceIds.size());
            String token2 = UUID.randomUUID().toString();
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + "/twins/" + deviceId
                            + "/methods?api-version=2021-04-12"))
                    .header("Authorization", token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"echo\",\"responseTimeoutInSeconds\":30,"
                            + "\"payload\":{\"caller\":" + caller + ",\"token\":\"" + token2 + "\"}}"))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    failedCalls.incrementAndGet();
                    continue;
                }
                String echoed = JsonParser.parseString(response.body()).getAsJsonObject()
                        .getAsJsonObject("payload").get("token").getAsString();
                (echoed.equals(token2) ? answeredCalls : wrongAnswers).incrementAndGet();
            } catch (Exception e) {
                failedCalls.incrementAndGet();
            }
        }
    }

    private static BitSet[] storedNumbers() {
        BitSet[] stored = new BitSet[DEVICES];
        for (int i = 0; i < DEVICES; i++) {
            stored[i] = new BitSet();
        }
        long after = 0;
        List<TelemetryMessage> page;
        do {
            page = hub.hub.telemetry().storedAfter(after, 10_000);
            for (TelemetryMessage message : page) {
                JsonObject body = JsonParser.parseString(new String(message.body(), StandardCharsets.UTF_8)).getAsJsonObject();
                stored[body.get("device").getAsInt()].set(body.get("n").getAsInt());
                after = message.sequenceNumber();
            }
        } while (!page.isEmpty());
        return stored;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
