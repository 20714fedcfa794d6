package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.mutate;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DPS's MQTT rules on the hub's listener, with a plain MQTT client doing what the SDK never would: DPS's topics and
 * JSON on the wire, refusals (unknown scope, client id not the registration, bad JSON, another registration's id in
 * the body), a DPS session kept off the hub's topics and a hub session off DPS's, and seeded fuzzing of a DPS
 * session that neither crashes the hub nor disturbs a well-behaved DPS client.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProvisioningMqttRulesTest {
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 300);
    private static final long SEED = Long.getLong("fuzz.seed", 20261206L);
    private static final String KEY = "cmF3LW1xdHQtZW5yb2xsbWVudC1rZXktMDEyMzQ1Njc4OQ==";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void registerAnswers202AssigningThenThePollAnswers200Assigned() throws Exception {
        enroll("raw-register");
        DpsSession session = DpsSession.open("raw-register");

        JsonObject started = session.request("$dps/registrations/PUT/iotdps-register/?$rid=1",
                "{\"registrationId\":\"raw-register\",\"payload\":{\"a\":1}}", "$dps/registrations/res/202/?$rid=1&retry-after=2");
        assertThat(started.get("status").getAsString()).isEqualTo("assigning");
        String operationId = started.get("operationId").getAsString();
        JsonObject done = session.request("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId="
                + operationId, "", "$dps/registrations/res/200/?$rid=2");

        assertThat(done.get("operationId").getAsString()).isEqualTo(operationId);
        assertThat(done.get("status").getAsString()).isEqualTo("assigned");
        JsonObject state = done.getAsJsonObject("registrationState");
        assertThat(state.get("registrationId").getAsString()).isEqualTo("raw-register");
        assertThat(state.get("assignedHub").getAsString()).isEqualTo(hub.hub.hostName());
        assertThat(state.get("deviceId").getAsString()).isEqualTo("raw-register");
        assertThat(state.get("substatus").getAsString()).isEqualTo("initialAssignment");
        assertThat(state.get("payload")).isEqualTo(JsonParser.parseString("{\"a\":1}"));
        assertThat(state.has("createdDateTimeUtc") && state.has("lastUpdatedDateTimeUtc") && state.has("etag")).isTrue();
        session.client.disconnect();
    }

    /**
     * The Java provisioning SDK deadlocks on an answer that comes before paho has marked its request sent (see
     * MqttProvisioning.MIN_ANSWER_DELAY): each answer waits at least 100 ms, as a network would make it.
     */
    @Test
    void eachAnswerComesNoSoonerThan100MillisecondsAfterItsRequest() throws Exception {
        enroll("raw-timed");
        DpsSession session = DpsSession.open("raw-timed");

        long registerStart = System.nanoTime();
        JsonObject started = session.request("$dps/registrations/PUT/iotdps-register/?$rid=1",
                "{\"registrationId\":\"raw-timed\"}", "$dps/registrations/res/202/?$rid=1&retry-after=2");
        long registerMillis = (System.nanoTime() - registerStart) / 1_000_000;
        long pollStart = System.nanoTime();
        session.request("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId="
                + started.get("operationId").getAsString(), "", "$dps/registrations/res/200/?$rid=2");
        long pollMillis = (System.nanoTime() - pollStart) / 1_000_000;

        assertThat(registerMillis).as("register answered after").isGreaterThanOrEqualTo(100);
        assertThat(pollMillis).as("status poll answered after").isGreaterThanOrEqualTo(100);
        session.client.disconnect();
    }

    @Test
    void badJsonAndAnotherRegistrationsIdAreAnswered400AndCreateNothing() throws Exception {
        enroll("raw-bad-body");
        enroll("raw-victim");
        DpsSession session = DpsSession.open("raw-bad-body");

        JsonObject notJson = session.request("$dps/registrations/PUT/iotdps-register/?$rid=5", "{not json",
                "$dps/registrations/res/400/?$rid=5");
        JsonObject otherId = session.request("$dps/registrations/PUT/iotdps-register/?$rid=6",
                "{\"registrationId\":\"raw-victim\"}", "$dps/registrations/res/400/?$rid=6");
        JsonObject unknownOperation = session.request(
                "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=7&operationId=4.nope", "",
                "$dps/registrations/res/404/?$rid=7");

        assertThat(notJson.get("errorCode").getAsInt()).isEqualTo(400001);
        assertThat(otherId.get("errorCode").getAsInt()).isEqualTo(400001);
        assertThat(unknownOperation.get("errorCode").getAsInt()).isEqualTo(404203);
        assertThat(notJson.has("trackingId") && notJson.has("message") && notJson.has("timestampUtc")).isTrue();
        assertThat(hub.hub.identity().registry().findDevice("raw-bad-body")).isEmpty();
        assertThat(hub.hub.identity().registry().findDevice("raw-victim")).isEmpty();
        assertThat(session.client.isConnected()).isTrue();
        session.client.disconnect();
    }

    @Test
    void anUnknownScopeOrAClientIdOtherThanTheRegistrationIsConnack5() throws Exception {
        enroll("raw-connect");
        String token = token("raw-connect", KEY);

        assertThat(devices.refusal("raw-connect", "0ne00000000/registrations/raw-connect/api-version=2019-03-31",
                token)).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertThat(devices.refusal("someone-else", userName("raw-connect"), token))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertThat(devices.refusal("raw-connect", userName("raw-connect"), token("raw-connect",
                "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktMDAwMA==")))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    @Test
    void aDpsSessionMayNotUseTheHubsTopics() throws Exception {
        enroll("raw-dps-only");
        // Even with a hub device of the same name, a DPS session is not that device.
        DeviceIdentity sameName = devices.device("raw-dps-only");
        MqttClient client = devices.connect(new MqttClientOptions().setClientId("raw-dps-only")
                .setUsername(userName("raw-dps-only")).setPassword(token("raw-dps-only", KEY)));
        CompletableFuture<MqttSubAckMessage> subAck = new CompletableFuture<>();
        client.subscribeCompletionHandler(subAck::complete);
        client.subscribe(Map.of("devices/raw-dps-only/messages/devicebound/#", 1, "$iothub/methods/POST/#", 1));
        assertThat(subAck.get(5, TimeUnit.SECONDS).grantedQoSLevels()).containsExactly(0x80, 0x80);

        CompletableFuture<Void> closed = new CompletableFuture<>();
        client.closeHandler(ignored -> closed.complete(null));
        client.publish("devices/raw-dps-only/messages/events/", Buffer.buffer("{}"), MqttQoS.AT_LEAST_ONCE, false,
                false);

        closed.get(5, TimeUnit.SECONDS);
        assertThat(hub.hub.isDeviceConnected(sameName.deviceId())).isFalse();
    }

    @Test
    void aHubSessionMayNotUseDpsTopics() throws Exception {
        DeviceIdentity device = devices.device("raw-hub-device");
        MqttClient client = devices.connect(device);
        CompletableFuture<MqttSubAckMessage> subAck = new CompletableFuture<>();
        client.subscribeCompletionHandler(subAck::complete);
        client.subscribe("$dps/registrations/res/#", 1);
        assertThat(subAck.get(5, TimeUnit.SECONDS).grantedQoSLevels()).containsExactly(0x80);

        CompletableFuture<Void> closed = new CompletableFuture<>();
        client.closeHandler(ignored -> closed.complete(null));
        client.publish("$dps/registrations/PUT/iotdps-register/?$rid=1", Buffer.buffer("{}"), MqttQoS.AT_MOST_ONCE,
                false, false);

        closed.get(5, TimeUnit.SECONDS);
        assertThat(hub.hub.identity().provisioning().registrationState("raw-hub-device")).isEmpty();
    }

    @Test
    void aRegistrationSentRightAfterConnectIsAnswered() throws Exception {
        // MQTT 3.1.1 lets a client send on without waiting for the CONNACK; a DPS CONNECT is authenticated off the
        // event loop, and what came behind it was dropped (the connection closed) before the hub held it.
        enroll("raw-pipelining");
        byte[] connectSubscribeRegister = concat(
                MqttFuzzTest.connectPacket("raw-pipelining", userName("raw-pipelining"), token("raw-pipelining", KEY)),
                MqttFuzzTest.subscribePacket("$dps/registrations/res/#", 1),
                MqttFuzzTest.publishPacket("$dps/registrations/PUT/iotdps-register/?$rid=7",
                        "{\"registrationId\":\"raw-pipelining\"}".getBytes(StandardCharsets.UTF_8), 0, 0));

        try (SSLSocket socket = devices.openTls()) {
            socket.getOutputStream().write(connectSubscribeRegister);
            InputStream fromHub = socket.getInputStream();

            assertThat(ReceivedMqttPacket.read(fromHub).body()).as("CONNACK accepted").containsExactly(0, 0);
            assertThat(ReceivedMqttPacket.read(fromHub).type()).isEqualTo(ReceivedMqttPacket.SUBACK);
            ReceivedMqttPacket answer = ReceivedMqttPacket.read(fromHub);
            assertThat(answer.type()).isEqualTo(ReceivedMqttPacket.PUBLISH);
            assertThat(answer.topic()).startsWith("$dps/registrations/res/202/?$rid=7");
        }
    }

    @Test
    void fuzzedDpsSessionsNeitherCrashTheHubNorDisturbAnotherDpsClient() throws Exception {
        enroll("raw-fuzzer");
        enroll("raw-canary");
        Random random = new Random(SEED);
        SSLContext trust = TrustedCa.trustingOnly(hub.hub.caCertificateFile());
        byte[] connect = MqttFuzzTest.connectPacket("raw-fuzzer", userName("raw-fuzzer"), token("raw-fuzzer", KEY));
        byte[][] afterConnect = {
            MqttFuzzTest.subscribePacket("$dps/registrations/res/#", 3),
            MqttFuzzTest.publishPacket("$dps/registrations/PUT/iotdps-register/?$rid=1",
                    "{\"registrationId\":\"raw-fuzzer\"}".getBytes(StandardCharsets.UTF_8), 0, 0),
            MqttFuzzTest.publishPacket("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.a",
                    new byte[0], 1, 4),
        };
        DpsSession canary = DpsSession.open("raw-canary");
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = random.nextInt(4) == 0 ? mutate(random, connect)
                    : concat(connect, mutate(random, afterConnect[random.nextInt(afterConnect.length)]));
            sendOverTls(trust, input);
            if (i % 50 == 49) {
                assertServes(canary, i);
            }
        }
        assertServes(canary, ITERATIONS);
    }

    private static void assertServes(DpsSession canary, int iteration) throws Exception {
        String rid = "c" + iteration;
        JsonObject answer = canary.request("$dps/registrations/PUT/iotdps-register/?$rid=" + rid,
                "{\"registrationId\":\"raw-canary\"}", "$dps/registrations/res/202/?$rid=" + rid + "&retry-after=2");
        assertThat(answer.get("status").getAsString()).as("canary served after %d inputs (seed %d)", iteration, SEED)
                .isEqualTo("assigning");
    }

    private static void sendOverTls(SSLContext trust, byte[] bytes) {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.mqttPort()), 5_000);
            socket.setSoTimeout(2_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException expected) {
            // closed by the hub: fine
        }
    }

    /** A connected DPS client that subscribed to the response topic and collects what arrives there. */
    private record DpsSession(MqttClient client, BlockingQueue<MqttPublishMessage> answers) {
        static DpsSession open(String registrationId) throws Exception {
            MqttClient client = devices.connect(new MqttClientOptions().setClientId(registrationId)
                    .setUsername(userName(registrationId)).setPassword(token(registrationId, KEY)));
            BlockingQueue<MqttPublishMessage> answers = new LinkedBlockingQueue<>();
            client.publishHandler(answers::add);
            client.subscribe("$dps/registrations/res/#", 1).toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            return new DpsSession(client, answers);
        }

        JsonObject request(String topic, String body, String expectedAnswerTopic) throws Exception {
            client.publish(topic, Buffer.buffer(body), MqttQoS.AT_MOST_ONCE, false, false);
            MqttPublishMessage answer = answers.poll(10, TimeUnit.SECONDS);
            assertThat(answer).as("answer to %s", topic).isNotNull();
            assertThat(answer.topicName()).isEqualTo(expectedAnswerTopic);
            return JsonParser.parseString(answer.payload().toString(StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    private static void enroll(String registrationId) {
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(KEY, null)), null);
    }

    private static String userName(String registrationId) {
        return hub.hub.idScope() + "/registrations/" + registrationId + "/api-version=2019-03-31&ClientVersion=2019-03-31";
    }

    private static String token(String registrationId, String key) {
        return SasSigner.sign(key, hub.hub.idScope() + "/registrations/" + registrationId,
                Instant.now().plusSeconds(600).getEpochSecond(), "registration");
    }
}
