package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the SDKs never send to the Device Provisioning Service on the hub's AMQP and HTTPS listeners, answered as DPS
 * answers it: a registration's AMQP connection reaches nothing but its own registration, a hub client never reaches a
 * registration, malformed requests are rejected with DPS's error JSON and the connection goes on; on HTTPS, DPS paths
 * answer in DPS's terms and never reach the hub's routes, nor hub paths DPS's. Raw vertx-proton and
 * {@code java.net.http} clients, trusting the hub's CA.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProvisioningTransportRulesTest {
    private static final String API_VERSION = "2019-03-31";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawAmqpDevices amqp;
    static HttpClient https;
    static String key;

    @BeforeAll
    static void setUp() {
        amqp = new RawAmqpDevices(hub.hub);
        https = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        key = newKey();
        for (String registrationId : new String[] {"rules-amqp", "rules-other", "rules-https"}) {
            hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                    EnrollmentSettings.of(Attestation.symmetricKey(key, newKey())), null);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (amqp != null) {
            amqp.close();
        }
    }

    // AMQP

    @Test
    void aRegistrationsConnectionReachesItsOwnRegistrationOnly() throws Exception {
        try (RawAmqpDevices.Client client = loginAs("rules-amqp")) {
            assertThat(String.valueOf(client.attachReceiver("$cbs").get(10, TimeUnit.SECONDS).getCondition()))
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.attachSender("/devices/rules-amqp/messages/events").closedWith(5000))
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.attachSender(address("rules-other")).closedWith(5000))
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.attachSender(address("rules-amqp")).closedWith(300)).isNull();
        }
    }

    @Test
    void aHubClientCannotOpenTheLinksThatTheRegistrationsOwnLoginOpens() throws Exception {
        DeviceIdentity device = amqp.device("rules-hub-device");
        try (RawAmqpDevices.Client client = amqp.connect()) {
            assertThat(client.putToken(amqp.audience(device.deviceId()), amqp.token(device, 300))).isEqualTo(200);
            assertThat(client.attachSender(address("rules-amqp")).closedWith(5000)).isNotNull();
            assertThat(client.attachReceiver(address("rules-amqp")).get(10, TimeUnit.SECONDS)).isNotNull();
        }
        try (RawAmqpDevices.Client registration = loginAs("rules-amqp")) {
            assertThat(registration.attachSender(address("rules-amqp")).closedWith(300)).isNull();
        }
    }

    @Test
    void aWrongKeyOrAnUnknownScopeFailsTheSaslLoginThatTheRightOnesPass() throws Exception {
        loginAs("rules-amqp").close();
        assertThatThrownBy(() -> amqp.connectWithSaslPlain(hub.hub.idScope() + "/registrations/rules-amqp",
                token(hub.hub.idScope(), "rules-amqp", newKey())))
                .hasMessageContaining("Failed to authenticate");
        assertThatThrownBy(() -> amqp.connectWithSaslPlain("0neFFFFFFFF/registrations/rules-amqp",
                token("0neFFFFFFFF", "rules-amqp", key)))
                .hasMessageContaining("Failed to authenticate");
    }

    @Test
    void aRegistrationsConnectionEndsWhenItsTokenExpires() throws Exception {
        String shortLived = SasSigner.sign(key, hub.hub.idScope() + "/registrations/rules-amqp",
                Instant.now().plusSeconds(5).getEpochSecond(), null) + "&skn=";
        try (RawAmqpDevices.Client client = amqp.connectWithSaslPlain(address("rules-amqp").substring(1),
                shortLived)) {
            assertThat(client.attachSender(address("rules-amqp")).closedWith(300)).isNull();
            assertThat(String.valueOf(client.closed.get(15, TimeUnit.SECONDS).getCondition()))
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void malformedRequestsAreRejectedWithDpsErrorsAndTheConnectionGoesOn() throws Exception {
        try (RawAmqpDevices.Client client = loginAs("rules-amqp")) {
            RawAmqpDevices.Receiving answers = client.receive(address("rules-amqp"));
            RawAmqpDevices.Link requests = client.attachSender(address("rules-amqp"));

            assertDpsRejection(client.send(requests, request(Map.of("iotdps-operation-type", "iotdps-delete"), null)),
                    400001);
            assertDpsRejection(client.send(requests, request(Map.of("iotdps-operation-type", "iotdps-register"),
                    "{not json")), 400001);
            assertDpsRejection(client.send(requests, request(Map.of("iotdps-operation-type", "iotdps-register"),
                    "{\"registrationId\":\"rules-other\"}")), 400001);
            assertDpsRejection(client.send(requests, request(Map.of("iotdps-operation-type",
                    "iotdps-get-operationstatus", "iotdps-operation-id", "no-such-operation"), null)), 404203);
            assertThat(answers.messages).isEmpty();

            Message register = request(Map.of("iotdps-operation-type", "iotdps-register"),
                    "{\"registrationId\":\"rules-amqp\"}");
            register.setCorrelationId("corr-1");
            assertThat(client.send(requests, register)).isInstanceOf(Accepted.class);
            Message answer = answers.messages.poll(10, TimeUnit.SECONDS);
            assertThat(answer).isNotNull();
            assertThat(answer.getCorrelationId()).isEqualTo("corr-1");
            assertThat(answer.getApplicationProperties().getValue()).containsEntry("retry-after", "2");
            JsonObject operation = json(((Data) answer.getBody()).getValue());
            assertThat(operation.get("status").getAsString()).isEqualTo("assigning");

            Message poll = request(Map.of("iotdps-operation-type", "iotdps-get-operationstatus",
                    "iotdps-operation-id", operation.get("operationId").getAsString()), null);
            assertThat(client.send(requests, poll)).isInstanceOf(Accepted.class);
            JsonObject assigned = json(((Data) answers.messages.poll(10, TimeUnit.SECONDS).getBody()).getValue());
            assertThat(assigned.get("status").getAsString()).isEqualTo("assigned");
            assertThat(assigned.getAsJsonObject("registrationState").get("deviceId").getAsString())
                    .isEqualTo("rules-amqp");
        }
    }

    // HTTPS (on the hub's HTTPS port: the DPS device API is on every port of the HTTPS listener)

    @Test
    void registrationOverHttpsAnswers202WithRetryAfterThen200() throws Exception {
        HttpResponse<String> accepted = put("/" + hub.hub.idScope() + "/registrations/rules-https/register",
                token(hub.hub.idScope(), "rules-https", key), "{\"registrationId\":\"rules-https\"}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("Retry-After")).contains("2");
        JsonObject operation = JsonParser.parseString(accepted.body()).getAsJsonObject();
        assertThat(operation.get("status").getAsString()).isEqualTo("assigning");

        HttpResponse<String> done = get("/" + hub.hub.idScope() + "/registrations/rules-https/operations/"
                + operation.get("operationId").getAsString(), token(hub.hub.idScope(), "rules-https", key));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(JsonParser.parseString(done.body()).getAsJsonObject().getAsJsonObject("registrationState")
                .get("assignedHub").getAsString()).isEqualTo(hub.hub.hostName());
    }

    @Test
    void badHttpsRequestsAreAnsweredWithDpsErrors() throws Exception {
        String scope = hub.hub.idScope();
        String register = "/" + scope + "/registrations/rules-https/register";
        String token = token(scope, "rules-https", key);
        assertDpsError(put(register, null, "{}"), 401, 401002);
        assertDpsError(put(register, token(scope, "rules-https", newKey()), "{}"), 401, 401002);
        assertDpsError(put("/0neFFFFFFFF/registrations/rules-https/register", token("0neFFFFFFFF", "rules-https", key),
                "{}"), 401, 401002);
        assertDpsError(put(register, token, "{not json"), 400, 400001);
        assertDpsError(put(register, token, "[1]"), 400, 400001);
        assertDpsError(put(register, token, "{\"registrationId\":\"rules-other\"}"), 400, 400001);
        assertDpsError(get("/" + scope + "/registrations/rules-https/operations/nope", token), 404, 404203);
        assertDpsError(get("/" + scope + "/registrations/rules-https/nothing", token), 404, 404001);
        assertDpsError(send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + register))
                .header("Authorization", token).PUT(HttpRequest.BodyPublishers.ofString("{}"))), 400, 400001);
        assertDpsError(put(register, token, "{\"payload\":\"" + "x".repeat(70 * 1024) + "\"}"), 413, 413001);
    }

    @Test
    void dpsAndHubPathsNeverServeEachOthersRequests() throws Exception {
        DeviceIdentity device = amqp.device("rules-https-device");
        String deviceToken = SasSigner.sign(device.primaryKey(), hub.hub.hostName() + "/devices/" + device.deviceId(),
                Instant.now().plusSeconds(300).getEpochSecond(), null);
        // A hub device's token is no registration's.
        assertDpsError(put("/" + hub.hub.idScope() + "/registrations/rules-https-device/register", deviceToken, "{}"),
                401, 401002);
        // A registration's token is no device's: the hub's own answer, in IoT Hub's shape.
        HttpResponse<String> telemetry = send(HttpRequest.newBuilder(uri("/devices/rules-https/messages/events"))
                .header("Authorization", token(hub.hub.idScope(), "rules-https", key))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(telemetry.statusCode()).isEqualTo(401);
        assertThat(telemetry.headers().firstValue("iothub-errorcode")).contains("IotHubUnauthorizedAccess");
    }

    private static RawAmqpDevices.Client loginAs(String registrationId) throws Exception {
        return amqp.connectWithSaslPlain(hub.hub.idScope() + "/registrations/" + registrationId,
                token(hub.hub.idScope(), registrationId, key));
    }

    private static String address(String registrationId) {
        return "/" + hub.hub.idScope() + "/registrations/" + registrationId;
    }

    /** A registration's SAS token (as the Node client makes it, resource encoded; with the Java client's empty skn). */
    private static String token(String idScope, String registrationId, String signingKey) {
        return SasSigner.sign(signingKey, idScope + "/registrations/" + registrationId,
                Instant.now().plusSeconds(300).getEpochSecond(), null) + "&skn=";
    }

    private static Message request(Map<String, Object> properties, String json) {
        Message message = Message.Factory.create();
        message.setApplicationProperties(new ApplicationProperties(new HashMap<>(properties)));
        if (json != null) {
            message.setBody(new Data(new Binary(json.getBytes(StandardCharsets.UTF_8))));
        }
        return message;
    }

    private static void assertDpsRejection(DeliveryState state, int errorCode) {
        assertThat(state).isInstanceOf(Rejected.class);
        JsonObject error = JsonParser.parseString(((Rejected) state).getError().getDescription()).getAsJsonObject();
        assertThat(error.get("errorCode").getAsInt()).isEqualTo(errorCode);
        assertThat(error.has("trackingId")).isTrue();
        assertThat(error.get("message").getAsString()).isNotBlank();
    }

    /** DPS's error JSON, not IoT Hub's (which says its error code's name in a header). */
    private static void assertDpsError(HttpResponse<String> response, int status, int errorCode) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("iothub-errorcode")).isEmpty();
        JsonObject error = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(error.get("errorCode").getAsInt()).isEqualTo(errorCode);
        assertThat(error.has("trackingId")).isTrue();
        assertThat(error.get("message").getAsString()).isNotBlank();
    }

    private static JsonObject json(Binary binary) {
        return JsonParser.parseString(new String(binary.getArray(), binary.getArrayOffset(), binary.getLength(),
                StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static HttpResponse<String> put(String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization).GET());
    }

    private static URI uri(String path) {
        return URI.create("https://" + hub.hub.serviceHost() + path + "?api-version=" + API_VERSION);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return https.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
