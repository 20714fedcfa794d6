package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.mutate;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.RegistrationStatus;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded fuzzing of the Device Provisioning Service's AMQP and HTTPS device endpoints, as {@link AmqpFuzzTest} does
 * the hub's: mutated SASL PLAIN registration logins, mutated registration conversations after a valid login (open,
 * begin, the two links at the registration's address, an {@code iotdps-register} request), the same over WebSockets,
 * and mutated HTTPS register and operation-status requests (request line, path, headers, JSON). Every 50 inputs a
 * well-behaved device must still register over HTTPS and log in over AMQP. {@code -Dfuzz.iterations} (default 150)
 * and {@code -Dfuzz.seed}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProvisioningFuzzTest {
    /** Fewer than the hub's own fuzz tests: the parsers behind it are also fuzzed alone (RegistrationPathTest, ...). */
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 150);
    private static final long SEED = Long.getLong("fuzz.seed", 20261206L);
    private static final int FUZZ_WAIT_MILLIS = 250;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static SSLContext trust;
    static RawAmqpDevices amqp;
    static String key;

    @BeforeAll
    static void setUp() {
        trust = TrustedCa.trustingOnly(hub.hub.caCertificateFile());
        amqp = new RawAmqpDevices(hub.hub);
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        key = Base64.getEncoder().encodeToString(bytes);
        for (String registrationId : new String[] {"dps-fuzzer", "dps-canary", "dps-seed"}) {
            hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                    EnrollmentSettings.of(Attestation.symmetricKey(key, null)), null);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        amqp.close();
    }

    @Test
    void randomAndMutatedInputNeitherCrashesTheHubNorDisturbsOtherRegistrations() throws Exception {
        Random random = new Random(SEED);
        byte[] login = RawAmqpConversation.saslPlainExchange(user("dps-fuzzer"), token("dps-fuzzer"));
        byte[] conversation = RawAmqpConversation.registration(hub.hub.hostName(), "/" + user("dps-fuzzer"),
                "dps-fuzzer");
        byte[] register = httpsRegister("dps-fuzzer", "{\"registrationId\":\"dps-fuzzer\",\"payload\":{\"a\":1}}");
        byte[] poll = httpsRequest("GET", "/" + user("dps-fuzzer") + "/operations/4.abc.def", token("dps-fuzzer"),
                "");
        for (int i = 0; i < ITERATIONS; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sendOverTls(hub.hub.amqpPort(), mutate(random, login), conversation, FUZZ_WAIT_MILLIS);
                case 1 -> sendOverTls(hub.hub.amqpPort(), login, mutatedConversation(random, conversation),
                        FUZZ_WAIT_MILLIS);
                case 2 -> sendOverWebSocket(random.nextBoolean() ? mutate(random, login) : login,
                        mutatedConversation(random, conversation));
                case 3 -> sendOverTls(hub.hub.httpsPort(), mutate(random, register), null, FUZZ_WAIT_MILLIS);
                case 4 -> sendOverTls(hub.hub.httpsPort(), mutate(random, poll), null, FUZZ_WAIT_MILLIS);
                default -> sendOverTls(hub.hub.httpsPort(), concat(Arrays.copyOf(register,
                        random.nextInt(register.length)), randomBytes(random, 1 + random.nextInt(300))), null,
                        FUZZ_WAIT_MILLIS);
            }
            if (i % 50 == 49) {
                assertServes(i);
            }
        }
        assertServes(ITERATIONS);
    }

    @Test
    void theUnmutatedConversationIsOneTheHubAccepts() throws Exception {
        sendOverTls(hub.hub.amqpPort(), RawAmqpConversation.saslPlainExchange(user("dps-seed"), token("dps-seed")),
                RawAmqpConversation.registration(hub.hub.hostName(), "/" + user("dps-seed"), "dps-seed"), 5_000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.hub.provisioning().registrationState("dps-seed").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(hub.hub.provisioning().registrationState("dps-seed")).as("the fuzzer's seed registers")
                .hasValueSatisfying(state -> assertThat(state.status()).isEqualTo(RegistrationStatus.ASSIGNED));
    }

    @Test
    void theUnmutatedHttpsRequestIsOneTheHubAccepts() throws Exception {
        try (SSLSocket socket = tlsSocket(hub.hub.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(httpsRegister("dps-fuzzer", "{\"registrationId\":\"dps-fuzzer\"}"));
            socket.getOutputStream().flush();
            byte[] head = socket.getInputStream().readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 202");
        }
    }

    /** A canary registers over HTTPS and logs in over AMQP, whatever the fuzzer sent before. */
    private static void assertServes(int iteration) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://" + hub.address() + ":"
                        + hub.hub.httpsPort() + "/" + user("dps-canary") + "/register?api-version=2019-03-31"))
                .header("Authorization", token("dps-canary"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"registrationId\":\"dps-canary\"}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("canary registers after %d fuzz inputs (seed %d)", iteration, SEED)
                .isEqualTo(202);
        try (RawAmqpDevices.Client registration = amqp.connectWithSaslPlain(user("dps-canary"), token("dps-canary"))) {
            assertThat(registration.attachSender("/" + user("dps-canary")).closedWith(100))
                    .as("canary's AMQP link after %d fuzz inputs (seed %d)", iteration, SEED).isNull();
        }
    }

    private static String user(String registrationId) {
        return hub.hub.idScope() + "/registrations/" + registrationId;
    }

    private static String token(String registrationId) {
        return SasSigner.sign(key, user(registrationId), Instant.now().plusSeconds(3600).getEpochSecond(), null)
                + "&skn=";
    }

    private static byte[] httpsRegister(String registrationId, String json) {
        return httpsRequest("PUT", "/" + user(registrationId) + "/register", token(registrationId), json);
    }

    private static byte[] httpsRequest(String method, String path, String authorization, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + "?api-version=2019-03-31 HTTP/1.1\r\n"
                + "Host: " + hub.address() + "\r\n"
                + "Authorization: " + authorization + "\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + "Connection: close\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.UTF_8), content);
    }

    private static byte[] mutatedConversation(Random random, byte[] conversation) {
        return random.nextBoolean() ? mutate(random, conversation)
                : concat(Arrays.copyOf(conversation, random.nextInt(conversation.length)),
                        randomBytes(random, 1 + random.nextInt(200)));
    }

    private static SSLSocket tlsSocket(int port) throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(hub.address(), port), 5_000);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    /** Sends {@code first}; then, once the hub answered its SASL exchange, {@code afterSasl}; then closes. */
    private static void sendOverTls(int port, byte[] first, byte[] afterSasl, int waitMillis) {
        try (SSLSocket socket = tlsSocket(port)) {
            socket.setSoTimeout(waitMillis);
            OutputStream out = socket.getOutputStream();
            out.write(first);
            out.flush();
            if (afterSasl != null) {
                RawAmqpConversation.skipSaslAnswer(socket.getInputStream());
                out.write(afterSasl);
                out.flush();
            }
            // Lets the hub answer before the close (a register is worth waiting for).
            socket.getInputStream().read();
        } catch (IOException expected) {
            // closed by the hub, or silent: fine
        }
    }

    private static void sendOverWebSocket(byte[] first, byte[] afterSasl) {
        try (RawWebSocket socket = RawWebSocket.open(trust, hub.address(), hub.hub.httpsPort(), "AMQPWSB10")) {
            socket.readTimeout(FUZZ_WAIT_MILLIS);
            socket.sendBinary(first);
            RawAmqpConversation.skipSaslAnswer(socket.payloads());
            socket.sendBinary(afterSasl);
        } catch (IOException expected) {
            // closed by the hub, or silent: fine
        }
    }
}
