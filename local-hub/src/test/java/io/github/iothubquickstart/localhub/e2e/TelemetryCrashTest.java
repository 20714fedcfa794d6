package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry the hub acknowledged survives the hub being killed (SIGKILL, no shutdown of any kind) while devices are
 * publishing as fast as acknowledgements allow, and the monitor shows it after a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TelemetryCrashTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);
    private static final int DEVICES = 5;
    private static final int IN_FLIGHT_PER_DEVICE = 10;

    @TempDir
    Path dataDirectory;
    private final HubProcess hubProcess = new HubProcess();
    private final Vertx vertx = Vertx.vertx();
    /** "device:n" of every message the hub acknowledged. */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private volatile boolean publishing = true;

    @AfterEach
    void cleanUp() throws Exception {
        publishing = false;
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hubProcess.stop();
    }

    @Test
    void acknowledgedTelemetrySurvivesKillMinus9() throws Exception {
        hubProcess.start(ADDRESS, dataDirectory);
        List<DeviceIdentity> devices = new ArrayList<>();
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            for (int i = 0; i < DEVICES; i++) {
                devices.add(identity.registry().createDevice("crash-device-" + i));
            }
        }
        for (DeviceIdentity device : devices) {
            publishContinuously(connect(device), device.deviceId());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledged.size() < 2_000 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        hubProcess.kill();
        publishing = false;
        Set<String> acknowledgedBeforeCrash = Set.copyOf(acknowledged);
        assertThat(acknowledgedBeforeCrash).hasSizeGreaterThan(100);

        hubProcess.start(ADDRESS, dataDirectory);
        Set<String> replayed = replayAll(acknowledgedBeforeCrash);
        Set<String> lost = new HashSet<>(acknowledgedBeforeCrash);
        lost.removeAll(replayed);
        assertThat(lost).as("acknowledged messages missing after the crash").isEmpty();
    }

    private MqttClient connect(DeviceIdentity device) throws Exception {
        String password = SasSigner.sign(device.primaryKey(), ADDRESS + "/devices/" + device.deviceId(),
                Instant.now().plusSeconds(600).getEpochSecond(), null);
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(device.deviceId())
                .setUsername(ADDRESS + "/" + device.deviceId() + "/?api-version=2021-04-12")
                .setPassword(password)
                .setCleanSession(false)
                .setMaxInflightQueue(IN_FLIGHT_PER_DEVICE)
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(dataDirectory.resolve("ca.pem").toString()));
        MqttClient client = MqttClient.create(vertx, options);
        client.connect(8883, ADDRESS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Keeps IN_FLIGHT_PER_DEVICE messages in flight; each acknowledgement sends the next one. */
    private void publishContinuously(MqttClient client, String deviceId) {
        Map<Integer, String> inFlight = new ConcurrentHashMap<>();
        int[] next = {0};
        Runnable publishOne = new Runnable() {
            @Override
            public void run() {
                if (!publishing || !client.isConnected()) {
                    return;
                }
                String id = deviceId + ":" + next[0]++;
                client.publish("devices/" + deviceId + "/messages/events/", Buffer.buffer("{\"id\":\"" + id + "\"}"),
                        MqttQoS.AT_LEAST_ONCE, false, false).onSuccess(packetId -> inFlight.put(packetId, id));
            }
        };
        client.publishCompletionHandler(packetId -> {
            String id = inFlight.remove(packetId);
            if (id != null) {
                acknowledged.add(id);
            }
            publishOne.run();
        });
        vertx.runOnContext(ignored -> {
            for (int i = 0; i < IN_FLIGHT_PER_DEVICE; i++) {
                publishOne.run();
            }
        });
    }

    /** Reads the monitor from the first stored message until every expected id was seen, or a bounded wait ends. */
    private Set<String> replayAll(Set<String> expected) throws Exception {
        SharedAccessPolicy service;
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            service = identity.registry().findPolicy("service").orElseThrow();
        }
        String token = SasSigner.sign(service.primaryKey(), ADDRESS, Instant.now().plusSeconds(600).getEpochSecond(),
                service.name());
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TrustedCa.trustingOnly(dataDirectory.resolve("ca.pem")))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + ADDRESS + ":8443/monitor/events?from=0"))
                .header("Authorization", token).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null && !seen.containsAll(expected); line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        JsonObject event = JsonParser.parseString(line.substring(6)).getAsJsonObject();
                        seen.add(event.getAsJsonObject("body").get("id").getAsString());
                    }
                }
            } catch (java.io.IOException e) {
                // the stream is closed below once the wait is over
            }
        });
        reader.setDaemon(true);
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(30));
        response.body().close();
        return seen;
    }
}
