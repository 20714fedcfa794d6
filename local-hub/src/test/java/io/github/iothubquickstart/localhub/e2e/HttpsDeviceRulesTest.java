package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IoT Hub's HTTPS device API spoken byte by byte (as the Node SDK's HTTP transport and the Java SDK send it), for
 * what an SDK never sends: wrong and stale lock tokens, oversized and malformed bodies, repeated properties, another
 * identity's token, a disabled device, and a flood bounded by the hub's cap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsDeviceRulesTest {
    private static final String API = "?api-version=2020-09-30";

    // One device request at a time: the flood test holds the one slot.
    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.limits(HubLimits.DEFAULT.withMaxConnectedDevices(1)))
            .build();
    static MessagingClient messaging;
    static HttpClient http;

    @BeforeAll
    static void setUp() throws Exception {
        messaging = hub.messagingClient("service");
        http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void headersBecomeTheStoredMessagesPropertiesAsOverMqtt() throws Exception {
        String deviceId = hub.registerDevice("rules-headers");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            HttpResponse<String> answer = send(post(deviceId, "/messages/events", "hello")
                    .header("IoTHub-MessageId", "m-1")
                    .header("IoTHub-CorrelationId", "c-1")
                    .header("iothub-contenttype", "text/plain")
                    .header("iothub-contentencoding", "utf-8")
                    .header("iothub-creation-time-utc", "2026-01-01T00:00:00Z")
                    .header("dt-subject", "thermostat1")
                    .header("iothub-app-Alert", "a b&c")
                    .header("iothub-connection-device-id", "forged"), token(deviceId));

            assertThat(answer.statusCode()).isEqualTo(204);
            TelemetryMessage got = stored.poll(5, TimeUnit.SECONDS);
            assertThat(got.deviceId()).isEqualTo(deviceId);
            assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(got.systemProperties()).containsEntry("$.mid", "m-1").containsEntry("$.cid", "c-1")
                    .containsEntry("$.ct", "text/plain").containsEntry("$.ce", "utf-8")
                    .containsEntry("$.ctime", "2026-01-01T00:00:00Z").containsEntry("$.sub", "thermostat1")
                    .doesNotContainValue("forged");
            assertThat(got.applicationProperties()).containsExactly(java.util.Map.entry("Alert", "a b&c"));
        }
    }

    @Test
    void aBatchWithoutTheBase64FlagIsDecodedAsTheNodeSdkSendsIt() throws Exception {
        String deviceId = hub.registerDevice("rules-node-batch");
        String body = "[{\"body\": \"" + base64("one") + "\", \"properties\":{\"iothub-app-k\":\"v\"}},"
                + "{\"body\": \"" + base64("two") + "\"}]";
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            HttpResponse<String> answer = send(post(deviceId, "/messages/events", body)
                    .header("Content-Type", "application/vnd.microsoft.iothub.json"), token(deviceId));

            assertThat(answer.statusCode()).isEqualTo(204);
            TelemetryMessage first = stored.poll(5, TimeUnit.SECONDS);
            TelemetryMessage second = stored.poll(5, TimeUnit.SECONDS);
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(first.applicationProperties()).containsEntry("k", "v");
            assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("two");
        }
    }

    @Test
    void aDeviceIdWithCharactersThatAreEncodedInThePathIsItsOwn() throws Exception {
        String deviceId = hub.registerDevice("rules-odd#1+%$x?");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            // As the Java SDK writes it: URLEncoder per path segment.
            String encoded = java.net.URLEncoder.encode(deviceId, StandardCharsets.UTF_8);
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create("https://" + hub.address() + ":"
                    + hub.hub.httpsPort() + "/devices/" + encoded + "/messages/events" + API))
                    .POST(HttpRequest.BodyPublishers.ofString("odd")), token(deviceId));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
            assertThat(stored.poll(5, TimeUnit.SECONDS).deviceId()).isEqualTo(deviceId);
        }
    }

    @Test
    void anOversizedMessageIs413AndNothingIsStored() throws Exception {
        String deviceId = hub.registerDevice("rules-large");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(deviceId, "/messages/events"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[256 * 1024 + 1])), token(deviceId));

            assertThat(answer.statusCode()).isEqualTo(413);
            assertThat(answer.body()).contains("413001").contains("262144");
            assertThat(stored.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void malformedBatchesAndRepeatedPropertiesAre400AndNothingIsStored() throws Exception {
        String deviceId = hub.registerDevice("rules-malformed");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            for (String batch : List.of("not json", "{\"body\":\"aGk=\"}", "[]", "[{\"body\":\"***\"}]",
                    "[{\"body\":\"aGk=\"},{\"nobody\":1}]")) {
                HttpResponse<String> answer = send(post(deviceId, "/messages/events", batch)
                        .header("Content-Type", "application/vnd.microsoft.iothub.json"), token(deviceId));
                assertThat(answer.statusCode()).as(batch).isEqualTo(400);
            }
            HttpResponse<String> repeated = send(post(deviceId, "/messages/events", "x")
                    .header("iothub-app-k", "1").header("iothub-app-k", "2"), token(deviceId));
            assertThat(repeated.statusCode()).isEqualTo(400);
            assertThat(repeated.body()).contains("given twice");
            assertThat(stored.poll(300, TimeUnit.MILLISECONDS)).as("no part of a bad request is stored").isNull();
        }
    }

    @Test
    void aRequestWithoutTheDevicesOwnValidTokenIs401() throws Exception {
        String deviceId = hub.registerDevice("rules-auth");
        String other = hub.registerDevice("rules-auth-other");
        hub.hub.identity().registry().createDevice("rules-disabled");
        DeviceIdentity disabled = hub.hub.identity().registry().findDevice("rules-disabled").orElseThrow();
        hub.hub.identity().registry().updateDevice("rules-disabled", disabled.keys().get(0), disabled.keys().get(1),
                false, null);

        assertThat(send(post(deviceId, "/messages/events", "x"), null).statusCode()).as("no token").isEqualTo(401);
        assertThat(send(post(deviceId, "/messages/events", "x"), token(other)).statusCode())
                .as("another device's token").isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(uri(deviceId, "/messages/deviceBound")).GET(), token(other))
                .statusCode()).as("another device's token for its messages").isEqualTo(401);
        assertThat(send(post("rules-disabled", "/messages/events", "x"), token("rules-disabled")).statusCode())
                .as("a disabled device").isEqualTo(401);
        String expired = SasSigner.sign(keyOf(deviceId), hub.hub.hostName() + "/devices/" + deviceId,
                Instant.now().minusSeconds(10).getEpochSecond(), null);
        HttpResponse<String> answer = send(post(deviceId, "/messages/events", "x"), expired);
        assertThat(answer.statusCode()).as("an expired token").isEqualTo(401);
        assertThat(answer.body()).contains("401002");
    }

    @Test
    void aModulePostsUnderItsOwnPathWithItsOwnToken() throws Exception {
        hub.registerModule("rules-module-device", "sensor");
        String moduleKey = hub.hub.identity().registry().findModule("rules-module-device", "sensor").orElseThrow()
                .keys().get(0);
        String moduleToken = SasSigner.sign(moduleKey, hub.hub.hostName() + "/devices/rules-module-device/modules/sensor",
                Instant.now().plusSeconds(600).getEpochSecond(), null);
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            assertThat(send(post("rules-module-device", "/modules/sensor/messages/events", "from module"),
                    moduleToken).statusCode()).isEqualTo(204);
            assertThat(stored.poll(5, TimeUnit.SECONDS).moduleId()).isEqualTo("sensor");
            assertThat(send(post("rules-module-device", "/modules/sensor/messages/events", "x"),
                    token("rules-module-device")).statusCode()).as("the device's token is not the module's")
                    .isEqualTo(401);
        }
    }

    @Test
    void aLockedMessageIsSettledOnlyWithItsCurrentLockToken() throws Exception {
        String deviceId = hub.registerDevice("rules-lock");
        assertThat(receive(deviceId).statusCode()).as("nothing queued").isEqualTo(204);
        sendToDevice(deviceId, "first");
        sendToDevice(deviceId, "second");

        HttpResponse<String> first = receive(deviceId);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("body of first");
        assertThat(first.headers().firstValue("iothub-messageid")).hasValue("first");
        assertThat(first.headers().firstValue("iothub-deliverycount")).hasValue("1");
        assertThat(first.headers().firstValue("iothub-app-command")).hasValue("go");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f-]{36}\"");
        String lockToken = etag.substring(1, etag.length() - 1);
        assertThat(receive(deviceId).statusCode()).as("one message in flight per device").isEqualTo(204);

        HttpResponse<String> wrong = settle(deviceId, "DELETE", "/" + java.util.UUID.randomUUID() + API);
        assertThat(wrong.statusCode()).isEqualTo(412);
        assertThat(wrong.body()).contains("412002");
        assertThat(wrong.headers().firstValue("iothub-errorcode")).hasValue("DeviceMessageLockLost");
        assertThat(settle(deviceId, "DELETE", "/not-a-lock-token" + API).statusCode()).isEqualTo(400);
        assertThat(settle(deviceId, "DELETE", "/" + lockToken + API).statusCode()).isEqualTo(204);
        assertThat(settle(deviceId, "DELETE", "/" + lockToken + API).statusCode()).as("a spent lock token")
                .isEqualTo(412);

        HttpResponse<String> second = receive(deviceId);
        assertThat(second.headers().firstValue("iothub-messageid")).hasValue("second");
        String secondToken = second.headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertThat(settle(deviceId, "POST", "/" + secondToken + "/abandon" + API).statusCode()).isEqualTo(204);
        HttpResponse<String> again = receive(deviceId);
        assertThat(again.headers().firstValue("iothub-messageid")).as("abandoned, it comes again").hasValue("second");
        assertThat(again.headers().firstValue("iothub-deliverycount")).hasValue("2");
        String againToken = again.headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertThat(settle(deviceId, "POST", "/" + secondToken + "/abandon" + API).statusCode())
                .as("the lock of the earlier delivery").isEqualTo(412);
        // Node's form of reject; the Java SDK's is "&%3Freject=true".
        assertThat(settle(deviceId, "DELETE", "/" + againToken + API + "&reject").statusCode()).isEqualTo(204);
        assertThat(receive(deviceId).statusCode()).as("rejected, it is gone").isEqualTo(204);

        sendToDevice(deviceId, "third");
        String thirdToken = receive(deviceId).headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertThat(settle(deviceId, "DELETE", "/" + thirdToken + API + "&%3Freject=true").statusCode())
                .isEqualTo(204);
        assertThat(receive(deviceId).statusCode()).isEqualTo(204);
    }

    @Test
    void aFloodIsBoundedByTheHubsCapAndThrottledWith429() throws Exception {
        String deviceId = hub.registerDevice("rules-flood");
        // A request whose body never finishes holds the one slot this hub has.
        try (SSLSocket slow = (SSLSocket) hub.trustHubCa.getSocketFactory().createSocket(hub.address(), hub.hub.httpsPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /devices/" + deviceId + "/messages/events" + API + " HTTP/1.1\r\nHost: " + hub.address()
                    + "\r\nAuthorization: " + token(deviceId) + "\r\nContent-Length: 1000\r\n\r\nabc")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(300);

            HttpResponse<String> throttled = send(post(deviceId, "/messages/events", "x"), token(deviceId));
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.body()).contains("429001");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status = 0;
        while (status != 204 && System.nanoTime() < deadline) {
            // The slot comes back when the hub sees the slow connection closed.
            status = send(post(deviceId, "/messages/events", "x"), token(deviceId)).statusCode();
        }
        assertThat(status).isEqualTo(204);
    }

    private static void sendToDevice(String deviceId, String messageId) throws Exception {
        Message message = new Message("body of " + messageId);
        message.setMessageId(messageId);
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
        message.setProperties(java.util.Map.of("command", "go"));
        messaging.send(deviceId, message);
    }

    private static HttpResponse<String> receive(String deviceId) throws Exception {
        return send(HttpRequest.newBuilder(uri(deviceId, "/messages/deviceBound")).GET(), token(deviceId));
    }

    private static HttpResponse<String> settle(String deviceId, String method, String pathAndQuery) throws Exception {
        URI target = URI.create("https://" + hub.address() + ":" + hub.hub.httpsPort() + "/devices/" + deviceId
                + "/messages/devicebound" + pathAndQuery);
        return send(HttpRequest.newBuilder(target).method(method, HttpRequest.BodyPublishers.noBody()),
                token(deviceId));
    }

    private static HttpRequest.Builder post(String deviceId, String path, String body) {
        return HttpRequest.newBuilder(uri(deviceId, path)).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static URI uri(String deviceId, String path) {
        return URI.create("https://" + hub.address() + ":" + hub.hub.httpsPort() + "/devices/" + deviceId + path + API);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", token);
        }
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String deviceId) {
        return SasSigner.sign(keyOf(deviceId), hub.hub.hostName() + "/devices/" + deviceId,
                Instant.now().plusSeconds(600).getEpochSecond(), null);
    }

    private static String keyOf(String deviceId) {
        return hub.hub.identity().registry().findDevice(deviceId).orElseThrow().keys().get(0);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
