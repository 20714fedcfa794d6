package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AMQP over WebSockets (AMQPWSB10) on the devices' WebSocket endpoint, with a raw client doing what the SDK never
 * would. The HTTPS port serves that endpoint as 443 does, so these run without root.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmqpOverWebSocketsRulesTest {
    private static final Duration AUTHENTICATION_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.limits(HubLimits.DEFAULT.withConnectPacketTimeout(AUTHENTICATION_TIMEOUT)))
            .build();
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
    void aDeviceAuthenticatesAndSendsTelemetryInBinaryFrames() throws Exception {
        DeviceIdentity device = devices.device("ws-amqp-raw");
        LinkedBlockingQueue<TelemetryMessage> stored = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add);
             RawWebSocket socket = open("AMQPWSB10")) {
            assertThat(socket.status).isEqualTo(101);
            assertThat(socket.header("Sec-WebSocket-Protocol")).isEqualTo("AMQPWSB10");

            socket.sendBinary(RawAmqpConversation.saslExchange());
            RawAmqpConversation.skipSaslAnswer(socket.payloads());
            socket.sendBinary(RawAmqpConversation.conversation(hub.hub.hostName(), devices.audience(device.deviceId()),
                    devices.token(device, 600)));

            TelemetryMessage message = stored.poll(10, TimeUnit.SECONDS);
            assertThat(message).isNotNull();
            assertThat(message.deviceId()).isEqualTo("ws-amqp-raw");
            assertThat(hub.hub.isDeviceConnected("ws-amqp-raw")).isTrue();
        }
    }

    @Test
    void anUnknownSubprotocolIsRefusedNamingTheOnesTheHubSpeaks() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB11")) {
            assertThat(socket.status).isEqualTo(400);
            assertThat(socket.body()).contains("400004").contains("'mqtt', 'AMQPWSB10'").contains("AMQPWSB11");
        }
    }

    @Test
    void aFrameLargerThanTheLimitClosesTheConnectionUnread() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB10")) {
            socket.announceBinaryFrame(256 * 1024 + 1);

            assertThat(socket.awaitClose()).as("1009: message too big").isEqualTo(1009);
        }
    }

    @Test
    void aFrameAtTheLimitIsReadAndHandedToAmqp() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB10")) {
            socket.sendBinary(RawAmqpConversation.saslExchange());
            RawAmqpConversation.skipSaslAnswer(socket.payloads());
            // 256 KB of AMQP bytes that are no AMQP header: the frame is taken, and AMQP (not WebSocket) refuses them.
            byte[] notAmqp = new byte[256 * 1024];
            notAmqp[0] = 'X';
            socket.sendBinary(notAmqp);

            assertThat(socket.awaitClose()).as("no WebSocket close status: the AMQP layer hung up").isNull();
        }
    }

    @Test
    void aTextFrameClosesTheConnection() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB10")) {
            socket.sendFrame(RawWebSocket.OPCODE_TEXT, "AMQP".getBytes(StandardCharsets.US_ASCII));

            assertThat(socket.awaitClose()).as("1003: binary frames only").isEqualTo(1003);
        }
    }

    @Test
    void bytesThatAreNoWebSocketFrameCloseTheConnection() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB10")) {
            // The SASL header unframed: 'A' (0x41) reads as a frame with a reserved bit set.
            socket.sendRaw(RawAmqpConversation.saslExchange());

            assertThat(socket.awaitClose()).as("1002: protocol error").isEqualTo(1002);
        }
    }

    @Test
    void aClientThatNeverStartsSaslIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (RawWebSocket socket = open("AMQPWSB10")) {
            long started = System.nanoTime();

            assertThat(socket.awaitClose()).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(AUTHENTICATION_TIMEOUT
                    .minusMillis(100));
        }
    }

    private static RawWebSocket open(String subprotocol) throws IOException {
        return RawWebSocket.open(trust, hub.address(), hub.hub.httpsPort(), subprotocol);
    }
}
