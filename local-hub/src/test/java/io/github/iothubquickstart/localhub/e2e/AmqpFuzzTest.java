package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.mutate;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded fuzzing of the AMQP port, as {@link MqttFuzzTest} does the MQTT one: random bytes instead of TLS, random bytes
 * inside TLS, a mutated SASL exchange, and after a valid one a mutated AMQP conversation (open, begin, a put-token on
 * $cbs with the device's real token, a telemetry link and a message). The same over WebSockets (AMQPS_WS, upgraded on
 * the HTTPS port), plus bytes that are no WebSocket frame after the upgrade. The same on the Event Hubs emulator's
 * plain port 5672 (no TLS: random bytes, mutated SASL ANONYMOUS and PLAIN exchanges, mutated conversations), and
 * mutated SASL PLAIN logins on 5671. Between rounds a well-behaved device on AMQP must still get its telemetry
 * accepted, and a back-end on 5672 its token. {@code -Dfuzz.iterations} (default 300) and {@code -Dfuzz.seed} as for
 * MQTT. (The conversation waits for the SASL outcome, as the Azure SDKs do: Proton-J does not take AMQP frames
 * pipelined behind SASL.)
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AmqpFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 300);
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    /**
     * How long a fuzz input waits for the hub's SASL answer before going on without sending the rest: a mutated SASL
     * exchange often leaves the hub waiting for more, and the loopback answer to a valid one takes milliseconds.
     */
    private static final int FUZZ_WAIT_MILLIS = 250;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawAmqpDevices devices;
    static SSLContext trust;

    @BeforeAll
    static void setUp() {
        devices = new RawAmqpDevices(hub.hub);
        trust = TrustedCa.trustingOnly(hub.hub.caCertificateFile());
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void randomAndMutatedInputNeitherCrashesTheHubNorDisturbsOtherDevices() throws Exception {
        Random random = new Random(SEED);
        DeviceIdentity fuzzer = devices.device("amqp-fuzzer");
        byte[] sasl = RawAmqpConversation.saslExchange();
        byte[] conversation = RawAmqpConversation.conversation(hub.hub.hostName(), devices.audience(fuzzer.deviceId()),
                devices.token(fuzzer, 3600));
        byte[] plainLogin = RawAmqpConversation.saslPlainExchange("service@sas.root." + hub.hub.hubName(),
                devices.serviceToken("service", 3600));
        byte[] devicePlainLogin = RawAmqpConversation.saslPlainExchange("amqp-fuzzer@sas." + hub.hub.hubName(),
                devices.token(fuzzer, 3600));
        DeviceIdentity canaryDevice = devices.device("amqp-canary");
        try (RawAmqpDevices.Client canary = devices.connect(); RawAmqpDevices.Client backEnd = devices.connectPlain()) {
            assertThat(canary.putToken(devices.audience(canaryDevice.deviceId()), devices.token(canaryDevice, 3600)))
                    .isEqualTo(200);
            RawAmqpDevices.Link telemetry = canary.attachSender("/devices/amqp-canary/messages/events");
            for (int i = 0; i < ITERATIONS; i++) {
                switch (random.nextInt(12)) {
                    case 0 -> sendPlain(randomBytes(random, 1 + random.nextInt(2_000)));
                    case 1 -> sendOverTls(randomBytes(random, 1 + random.nextInt(2_000)), null, FUZZ_WAIT_MILLIS);
                    case 2 -> sendOverTls(mutate(random, sasl), conversation, FUZZ_WAIT_MILLIS);
                    case 3 -> sendOverTls(sasl, mutatedConversation(random, conversation), FUZZ_WAIT_MILLIS);
                    case 4 -> sendUnframedAfterUpgrade(randomBytes(random, 1 + random.nextInt(2_000)));
                    case 5 -> sendOverWebSocket(mutate(random, sasl), conversation, FUZZ_WAIT_MILLIS);
                    case 6 -> sendOverWebSocket(sasl, mutatedConversation(random, conversation), FUZZ_WAIT_MILLIS);
                    case 7 -> sendWithoutTls(randomBytes(random, 1 + random.nextInt(2_000)), null, FUZZ_WAIT_MILLIS);
                    case 8 -> sendWithoutTls(mutate(random, random.nextBoolean() ? sasl : plainLogin), conversation,
                            FUZZ_WAIT_MILLIS);
                    case 9 -> sendWithoutTls(random.nextBoolean() ? sasl : plainLogin,
                            mutatedConversation(random, conversation), FUZZ_WAIT_MILLIS);
                    case 10 -> sendOverTls(mutate(random, devicePlainLogin), conversation, FUZZ_WAIT_MILLIS);
                    default -> sendOverTls(devicePlainLogin, mutatedConversation(random, conversation), FUZZ_WAIT_MILLIS);
                }
                if (i % 50 == 49) {
                    assertServes(canary, telemetry, i);
                    assertServesBackEnds(backEnd, i);
                }
            }
            assertServes(canary, telemetry, ITERATIONS);
            assertServesBackEnds(backEnd, ITERATIONS);
            assertThat(hub.hub.isDeviceConnected("amqp-canary")).isTrue();
        }
    }

    @Test
    void theUnmutatedConversationIsOneTheHubAccepts() throws Exception {
        assertSeedConversationIsStored("amqp-pipelined", AmqpFuzzTest::sendOverTls);
    }

    @Test
    void theUnmutatedConversationIsOneTheHubAcceptsOverWebSockets() throws Exception {
        assertSeedConversationIsStored("amqp-ws-pipelined", AmqpFuzzTest::sendOverWebSocket);
    }

    @Test
    void theUnmutatedSaslPlainLoginIsOneTheHubAccepts() throws Exception {
        DeviceIdentity device = devices.device("amqp-plain-seed");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            sendOverTls(RawAmqpConversation.saslPlainExchange("amqp-plain-seed@sas." + hub.hub.hubName(),
                    devices.token(device, 3600)), RawAmqpConversation.conversation(hub.hub.hostName(),
                    devices.audience(device.deviceId()), devices.token(device, 3600)), 5_000);
            TelemetryMessage message = stored.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("the fuzzer's PLAIN seed reaches the telemetry store").isNotNull();
            assertThat(message.deviceId()).isEqualTo("amqp-plain-seed");
        }
    }

    /** One way into the hub: {@code first}, then {@code afterSasl} once SASL was answered within the wait. */
    private interface Route {
        void send(byte[] first, byte[] afterSasl, int saslWaitMillis);
    }

    private static void assertSeedConversationIsStored(String deviceId, Route route) throws Exception {
        DeviceIdentity device = devices.device(deviceId);
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            route.send(RawAmqpConversation.saslExchange(), RawAmqpConversation.conversation(hub.hub.hostName(),
                    devices.audience(device.deviceId()), devices.token(device, 3600)), 5_000);
            TelemetryMessage message = stored.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("the fuzzer's seed conversation reaches the telemetry store").isNotNull();
            assertThat(message.deviceId()).isEqualTo(deviceId);
        }
    }

    /** The conversation mutated, or cut short and followed by random bytes. */
    private static byte[] mutatedConversation(Random random, byte[] conversation) {
        return random.nextBoolean() ? mutate(random, conversation)
                : concat(Arrays.copyOf(conversation, random.nextInt(conversation.length)),
                        randomBytes(random, 1 + random.nextInt(200)));
    }

    private static void assertServes(RawAmqpDevices.Client canary, RawAmqpDevices.Link telemetry, int iteration)
            throws Exception {
        Message alive = Message.Factory.create();
        alive.setBody(new Data(new Binary(("{\"alive\":" + iteration + "}").getBytes(StandardCharsets.UTF_8))));
        assertThat(canary.send(telemetry, alive)).as("canary served after %d fuzz inputs (seed %d)", iteration, SEED)
                .isInstanceOf(Accepted.class);
    }

    private static void assertServesBackEnds(RawAmqpDevices.Client backEnd, int iteration) throws Exception {
        assertThat(backEnd.putToken(hub.hub.hostName(), devices.serviceToken("service", 600)))
                .as("back-end on 5672 served after %d fuzz inputs (seed %d)", iteration, SEED).isEqualTo(200);
    }

    /** As {@link #sendOverTls}, on the Event Hubs emulator's plain port (5672), without TLS. */
    private static void sendWithoutTls(byte[] first, byte[] afterSasl, int saslWaitMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.eventHubsPort()), 5_000);
            socket.setSoTimeout(saslWaitMillis);
            sendThenAfterSasl(socket, first, afterSasl);
        } catch (IOException expected) {
            // closed by the hub, or silent: fine
        }
    }

    private static void sendThenAfterSasl(Socket socket, byte[] first, byte[] afterSasl) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(first);
        out.flush();
        if (afterSasl != null) {
            RawAmqpConversation.skipSaslAnswer(socket.getInputStream());
            out.write(afterSasl);
            out.flush();
        }
    }

    private static void sendPlain(byte[] bytes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.amqpPort()), 5_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException expected) {
            // the hub may close the connection while we write: that is a fine answer to garbage
        }
    }

    /**
     * Sends {@code first}; then, if the hub answered with a SASL header and two frames, {@code afterSasl}; then closes
     * (the hub still reads what arrived before the close).
     */
    private static void sendOverTls(byte[] first, byte[] afterSasl, int saslWaitMillis) {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.amqpPort()), 5_000);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            socket.setSoTimeout(saslWaitMillis);
            sendThenAfterSasl(socket, first, afterSasl);
        } catch (IOException expected) {
            // closed by the hub, or silent for 2 s: fine
        }
    }

    /** As {@link #sendOverTls}, each part in one binary frame of a WebSocket upgraded to AMQPWSB10 on the HTTPS port. */
    private static void sendOverWebSocket(byte[] first, byte[] afterSasl, int saslWaitMillis) {
        try (RawWebSocket socket = RawWebSocket.open(trust, hub.address(), hub.hub.httpsPort(), "AMQPWSB10")) {
            socket.readTimeout(saslWaitMillis);
            socket.sendBinary(first);
            if (afterSasl != null) {
                RawAmqpConversation.skipSaslAnswer(socket.payloads());
                socket.sendBinary(afterSasl);
            }
        } catch (IOException expected) {
            // closed by the hub, or silent: fine
        }
    }

    /** Bytes that are no WebSocket frame, right after a valid upgrade to AMQPWSB10. */
    private static void sendUnframedAfterUpgrade(byte[] bytes) {
        try (RawWebSocket socket = RawWebSocket.open(trust, hub.address(), hub.hub.httpsPort(), "AMQPWSB10")) {
            socket.sendRaw(bytes);
        } catch (IOException expected) {
            // the hub may close the connection while we write
        }
    }
}
