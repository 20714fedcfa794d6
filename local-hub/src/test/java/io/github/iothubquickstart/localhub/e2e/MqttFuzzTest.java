package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.mutate;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * Seeded fuzzing of the device port: random bytes instead of TLS, random bytes inside TLS, and valid MQTT packets
 * with random mutations, before and after a valid CONNECT. Between rounds a well-behaved device must still get its
 * telemetry acknowledged. CI runs a short round ({@code -Dfuzz.iterations}, default 300, {@code -Dfuzz.seed}
 * picks the inputs); docs/reliability.md records a long one.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MqttFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 300);
    private static final long SEED = Long.getLong("fuzz.seed", 20261126L);

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;
    static SSLContext trust;
    static DeviceIdentity fuzzer;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
        trust = TrustedCa.trustingOnly(hub.hub.caCertificateFile());
        fuzzer = devices.device("fuzzer");
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void randomAndMutatedInputNeitherCrashesTheHubNorDisturbsOtherDevices() throws Exception {
        Random random = new Random(SEED);
        MqttClient canary = devices.connect(devices.device("canary"));
        byte[] connect = connectPacket(fuzzer.deviceId(), devices.username(fuzzer.deviceId()), devices.password(fuzzer));
        byte[][] afterConnect = {
            publishPacket("devices/fuzzer/messages/events/$.ct=application%2Fjson&a=b", "{\"t\":1}".getBytes(StandardCharsets.UTF_8), 1, 7),
            subscribePacket("$iothub/methods/POST/#", 9),
            publishPacket("$iothub/methods/res/200/?$rid=1", "{}".getBytes(StandardCharsets.UTF_8), 1, 8),
            {(byte) 0xC0, 0x00}, // PINGREQ
        };
        for (int i = 0; i < ITERATIONS; i++) {
            switch (random.nextInt(4)) {
                case 0 -> sendPlain(randomBytes(random, 1 + random.nextInt(2_000)));
                case 1 -> sendOverTls(randomBytes(random, 1 + random.nextInt(2_000)));
                case 2 -> sendOverTls(mutate(random, connect));
                default -> sendOverTls(concat(connect, mutate(random, afterConnect[random.nextInt(afterConnect.length)])));
            }
            if (i % 50 == 49) {
                assertServes(canary, i);
            }
        }
        assertServes(canary, ITERATIONS);
        assertThat(hub.hub.isDeviceConnected("canary")).isTrue();
    }

    private static void assertServes(MqttClient canary, int iteration) throws Exception {
        Integer acknowledged = canary.publish("devices/canary/messages/events/", Buffer.buffer("{\"alive\":" + iteration + "}"),
                MqttQoS.AT_LEAST_ONCE, false, false).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(acknowledged).as("canary served after %d fuzz inputs (seed %d)", iteration, SEED).isNotNull();
    }

    private static void sendPlain(byte[] bytes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.mqttPort()), 5_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException expected) {
            // the hub may close the connection while we write: that is a fine answer to garbage
        }
    }

    private static void sendOverTls(byte[] bytes) {
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

    static byte[] connectPacket(String clientId, String username, String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);          // protocol level 3.1.1
        body.write(0b1100_0000); // user name and password, clean session 0
        body.write(0);
        body.write(60);         // keep-alive 60 s
        writeString(body, clientId);
        writeString(body, username);
        writeString(body, password);
        return packet(0x10, body.toByteArray());
    }

    static byte[] publishPacket(String topic, byte[] payload, int qos, int packetId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            body.write(packetId >> 8);
            body.write(packetId & 0xFF);
        }
        body.writeBytes(payload);
        return packet(0x30 | (qos << 1), body.toByteArray());
    }

    static byte[] subscribePacket(String filter, int packetId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId & 0xFF);
        writeString(body, filter);
        body.write(1);
        return packet(0x82, body.toByteArray());
    }

    private static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        return packet.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
