package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.mutate;
import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the AMQP port, as {@link MqttFuzzTest} does the MQTT one: random bytes instead of TLS, random bytes
 * inside TLS, a mutated SASL exchange, and after a valid one a mutated AMQP conversation (open, begin, a put-token on
 * $cbs with the device's real token, a telemetry link and a message). Between rounds a well-behaved device on AMQP
 * must still get its telemetry accepted. {@code -Dfuzz.iterations} (default 300) and {@code -Dfuzz.seed} as for
 * MQTT. (The conversation waits for the SASL outcome, as the Azure SDKs do: Proton-J does not take AMQP frames
 * pipelined behind SASL.)
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AmqpFuzzTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 300);
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    /**
     * How long a fuzz input waits for the hub's SASL answer before going on without sending the rest: a mutated SASL
     * exchange often leaves the hub waiting for more, and the loopback answer to a valid one takes milliseconds.
     */
    private static final int FUZZ_WAIT_MILLIS = 250;

    @TempDir
    static Path dataDirectory;
    static LocalHub hub;
    static RawAmqpDevices devices;
    static SSLContext trust;

    @BeforeAll
    static void start() {
        hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).httpsPort(0).webSocketPort(0)
                .build().start();
        devices = new RawAmqpDevices(hub);
        trust = TrustedCa.trustingOnly(hub.caCertificateFile());
    }

    @AfterAll
    static void stop() throws Exception {
        devices.close();
        hub.close();
    }

    @Test
    void randomAndMutatedInputNeitherCrashesTheHubNorDisturbsOtherDevices() throws Exception {
        Random random = new Random(SEED);
        DeviceIdentity fuzzer = devices.device("amqp-fuzzer");
        byte[] sasl = saslExchange();
        byte[] conversation = conversation(devices.audience(fuzzer.deviceId()), devices.token(fuzzer, 3600));
        DeviceIdentity canaryDevice = devices.device("amqp-canary");
        try (RawAmqpDevices.Client canary = devices.connect()) {
            assertThat(canary.putToken(devices.audience(canaryDevice.deviceId()), devices.token(canaryDevice, 3600)))
                    .isEqualTo(200);
            RawAmqpDevices.Link telemetry = canary.attachSender("/devices/amqp-canary/messages/events");
            for (int i = 0; i < ITERATIONS; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> sendPlain(randomBytes(random, 1 + random.nextInt(2_000)));
                    case 1 -> sendOverTls(randomBytes(random, 1 + random.nextInt(2_000)), null, FUZZ_WAIT_MILLIS);
                    case 2 -> sendOverTls(mutate(random, sasl), conversation, FUZZ_WAIT_MILLIS);
                    default -> sendOverTls(sasl, random.nextBoolean() ? mutate(random, conversation)
                            : concat(Arrays.copyOf(conversation, random.nextInt(conversation.length)),
                                    randomBytes(random, 1 + random.nextInt(200))), FUZZ_WAIT_MILLIS);
                }
                if (i % 50 == 49) {
                    assertServes(canary, telemetry, i);
                }
            }
            assertServes(canary, telemetry, ITERATIONS);
            assertThat(hub.isDeviceConnected("amqp-canary")).isTrue();
        }
    }

    @Test
    void theUnmutatedConversationIsOneTheHubAccepts() throws Exception {
        DeviceIdentity device = devices.device("amqp-pipelined");
        java.util.concurrent.LinkedBlockingQueue<io.github.iothubquickstart.localhub.telemetry.TelemetryMessage> stored =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.telemetry().subscribe(stored::add)) {
            sendOverTls(saslExchange(), conversation(devices.audience(device.deviceId()), devices.token(device, 3600)),
                    5_000);
            var message = stored.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("the fuzzer's seed conversation reaches the telemetry store").isNotNull();
            assertThat(message.deviceId()).isEqualTo("amqp-pipelined");
        }
    }

    private static void assertServes(RawAmqpDevices.Client canary, RawAmqpDevices.Link telemetry, int iteration)
            throws Exception {
        Message alive = Message.Factory.create();
        alive.setBody(new Data(new Binary(("{\"alive\":" + iteration + "}").getBytes(StandardCharsets.UTF_8))));
        assertThat(canary.send(telemetry, alive)).as("canary served after %d fuzz inputs (seed %d)", iteration, SEED)
                .isInstanceOf(Accepted.class);
    }

    /** The SASL header and an ANONYMOUS init, as the device SDK sends them. */
    static byte[] saslExchange() {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("ANONYMOUS"));
        return concat(SASL_HEADER, frame(1, init, new byte[0]));
    }

    /** What an AMQP device sends after SASL, without waiting for the hub: open, begin, put-token, telemetry. */
    static byte[] conversation(String audience, String token) {
        Message putToken = Message.Factory.create();
        putToken.setMessageId(UUID.randomUUID());
        putToken.setReplyTo("cbs");
        putToken.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                "type", "servicebus.windows.net:sastoken", "name", audience)));
        putToken.setBody(new AmqpValue(token));
        Message telemetry = Message.Factory.create();
        telemetry.setBody(new Data(new Binary("{\"t\":1}".getBytes(StandardCharsets.UTF_8))));
        String deviceId = audience.substring(audience.indexOf("/devices/") + "/devices/".length());

        Open open = new Open();
        open.setContainerId("fuzzer");
        open.setHostname(hub.hostName());
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        return concat(AMQP_HEADER, frame(0, open, new byte[0]),
                frame(0, begin, new byte[0]),
                frame(0, attach("cbs", 0, "$cbs"), new byte[0]),
                frame(0, transfer(0, 0), encode(putToken)),
                frame(0, attach("telemetry", 1, "/devices/" + deviceId + "/messages/events"), new byte[0]),
                frame(0, transfer(1, 1), encode(telemetry)));
    }

    private static Attach attach(String name, int handle, String address) {
        Attach attach = new Attach();
        attach.setName(name);
        attach.setHandle(UnsignedInteger.valueOf(handle));
        attach.setRole(Role.SENDER);
        attach.setSource(new Source());
        Target target = new Target();
        target.setAddress(address);
        attach.setTarget(target);
        attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        return attach;
    }

    private static Transfer transfer(int handle, int deliveryId) {
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.valueOf(handle));
        transfer.setDeliveryId(UnsignedInteger.valueOf(deliveryId));
        transfer.setDeliveryTag(new Binary(new byte[] {(byte) deliveryId}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        transfer.setSettled(false);
        return transfer;
    }

    /** One frame: size, data offset 2, type (0 AMQP, 1 SASL), channel 0, the performative, then the payload. */
    private static byte[] frame(int type, Object performative, byte[] payload) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ByteBuffer body = ByteBuffer.allocate(64 * 1024);
        encoder.setByteBuffer(body);
        encoder.writeObject(performative);
        body.put(payload);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) type).putShort((short) 0).put(body);
        return frame.array();
    }

    private static byte[] encode(Message message) {
        byte[] buffer = new byte[64 * 1024];
        int length = message.encode(buffer, 0, buffer.length);
        return Arrays.copyOf(buffer, length);
    }

    private static void sendPlain(byte[] bytes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ADDRESS, hub.amqpPort()), 5_000);
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
            socket.connect(new InetSocketAddress(ADDRESS, hub.amqpPort()), 5_000);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            socket.setSoTimeout(saslWaitMillis);
            OutputStream out = socket.getOutputStream();
            out.write(first);
            out.flush();
            if (afterSasl != null) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                in.readFully(new byte[8]);
                for (int frame = 0; frame < 2; frame++) { // sasl-mechanisms, sasl-outcome
                    int size = in.readInt();
                    in.readFully(new byte[size - 4]);
                }
                out.write(afterSasl);
                out.flush();
            }
        } catch (IOException expected) {
            // closed by the hub, or silent for 2 s: fine
        }
    }
}
