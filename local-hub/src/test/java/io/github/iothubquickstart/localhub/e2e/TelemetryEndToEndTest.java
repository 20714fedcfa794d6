package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Telemetry from the real device SDK arrives whole: body, system properties, application properties. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelemetryEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().forDevices().build();

    @Test
    void telemetryArrivesWithItsBodyAndProperties() throws Exception {
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient device = hub.device("MyJavaDevice");
            device.open(false);

            device.sendEvent(jsonMessage("{\"temperature\":31.5,\"humidity\":70.1}", "true"));

            TelemetryMessage message = received.poll(10, TimeUnit.SECONDS);
            assertThat(message).isNotNull();
            assertThat(message.deviceId()).isEqualTo("MyJavaDevice");
            assertThat(new String(message.body(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"temperature\":31.5,\"humidity\":70.1}");
            assertThat(message.applicationProperties()).containsEntry("temperatureAlert", "true")
                    .containsEntry("note", "a b+c&d=e");
            assertThat(message.systemProperties())
                    .containsEntry("$.ct", "application/json")
                    .containsEntry("$.ce", "utf-8")
                    .containsKey("$.mid");
        }
    }

    @Test
    void monitorStreamsEachMessageWithDeviceIdPropertiesAndBody() throws Exception {
        String deviceId = hub.registerDevice("monitored-device");
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        String token = SasSigner.sign(service.primaryKey(), hub.hub.hostName(),
                Instant.now().plusSeconds(600).getEpochSecond(), service.name());
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost()
                        + "/monitor/events?deviceId=" + deviceId))
                .header("Authorization", token)
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            DeviceClient device = hub.device(deviceId);
            device.open(false);
            device.sendEvent(jsonMessage("{\"temperature\":22.0,\"humidity\":61.0}", "false"));

            String data = nextData(events);
            JsonObject event = JsonParser.parseString(data).getAsJsonObject();
            assertThat(event.get("deviceId").getAsString()).isEqualTo(deviceId);
            assertThat(event.getAsJsonObject("properties").get("temperatureAlert").getAsString()).isEqualTo("false");
            assertThat(event.getAsJsonObject("body").get("temperature").getAsDouble()).isEqualTo(22.0);
        }
    }

    @Test
    void monitorReplaysStoredMessagesAndResumesAfterTheLastEventId() throws Exception {
        String deviceId = hub.registerDevice("replayed-device");
        DeviceClient device = hub.device(deviceId);
        device.open(false);
        for (int i = 1; i <= 3; i++) {
            device.sendEvent(jsonMessage("{\"n\":" + i + "}", "false"));
        }

        List<JsonObject> replayed = readEvents(monitor("?from=0&deviceId=" + deviceId, null), 3);
        assertThat(replayed).extracting(event -> event.getAsJsonObject("body").get("n").getAsInt()).containsExactly(1, 2, 3);

        String secondId = replayed.get(1).get("sequenceNumber").getAsString();
        List<JsonObject> resumed = readEvents(monitor("?deviceId=" + deviceId, secondId), 1);
        assertThat(resumed.get(0).getAsJsonObject("body").get("n").getAsInt()).isEqualTo(3);
    }

    private HttpResponse<InputStream> monitor(String query, String lastEventId) throws Exception {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        String token = SasSigner.sign(service.primaryKey(), hub.hub.hostName(),
                Instant.now().plusSeconds(600).getEpochSecond(), service.name());
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + "/monitor/events" + query))
                .header("Authorization", token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static List<JsonObject> readEvents(HttpResponse<InputStream> response, int count) throws Exception {
        List<JsonObject> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            while (events.size() < count) {
                events.add(JsonParser.parseString(nextData(lines)).getAsJsonObject());
            }
        }
        return events;
    }

    private static String nextData(BufferedReader events) throws Exception {
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new AssertionError("the monitor stream ended without an event");
    }

    private static Message jsonMessage(String json, String temperatureAlert) {
        Message message = new Message(json);
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setProperty("temperatureAlert", temperatureAlert);
        message.setProperty("note", "a b+c&d=e");
        return message;
    }
}
