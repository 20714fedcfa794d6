package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.TestHub.awaitThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A device that publishes QoS 1 without ever reading its socket: the hub stops reading from it once its PUBACKs wait
 * unsent (so the messages it takes from the hog, and the acknowledgements it holds for it, stop growing), serves
 * every other device as before, and reads again once the hog reads. Over MQTT on TLS and over WebSockets (the HTTPS
 * port serves them as 443 does, so no root is needed), and over AMQP from a client that ignores the hub's credit
 * (proton-j takes transfers past it) and never reads its dispositions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnreadAcknowledgementsTest {
    /**
     * Twice what the buffers between a stalled hog and the hub held when measured (80,000 to 100,000 PUBACKs, mostly in
     * the hub's fixed kernel send buffer); Linux's own send buffer growth let about 900,000 through.
     */
    private static final long MOST_MESSAGES_BEFORE_THE_STALL = 200_000;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;
    static RawAmqpDevices amqpDevices;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
        amqpDevices = new RawAmqpDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
        amqpDevices.close();
    }

    @Test
    void aDeviceThatNeverReadsItsPubacksOverTlsIsNoLongerReadUntilItReads() throws Exception {
        DeviceIdentity hog = devices.device("hog-tls");
        try (SSLSocket socket = slowReaderSocket(hub.hub.mqttPort())) {
            socket.getOutputStream().write(connect(hog));
            socket.getOutputStream().flush();
            assertConnackAccepted(socket.getInputStream());
            assertStallsAndResumes(hog, socket.getInputStream(), batch -> {
                socket.getOutputStream().write(batch);
                socket.getOutputStream().flush();
            }, publishes(hog));
        }
    }

    @Test
    void aDeviceThatNeverReadsItsPubacksOverWebSocketsIsNoLongerReadUntilItReads() throws Exception {
        DeviceIdentity hog = devices.device("hog-ws");
        try (RawWebSocket socket = RawWebSocket.open(hub.trustHubCa, hub.address(), hub.hub.httpsPort(), "mqtt")) {
            assertThat(socket.status).isEqualTo(101);
            socket.sendBinary(connect(hog));
            InputStream fromHub = socket.payloads();
            assertConnackAccepted(fromHub);
            assertStallsAndResumes(hog, fromHub, socket::sendBinary, publishes(hog));
        }
    }

    @Test
    void anAmqpDeviceThatIgnoresCreditAndNeverReadsItsDispositionsIsNoLongerReadUntilItReads() throws Exception {
        DeviceIdentity hog = devices.device("hog-amqp");
        try (SSLSocket socket = slowReaderSocket(hub.hub.amqpPort())) {
            OutputStream toHub = socket.getOutputStream();
            toHub.write(RawAmqpConversation.saslExchange());
            toHub.flush();
            RawAmqpConversation.skipSaslAnswer(socket.getInputStream());
            // Open, begin, put-token, the telemetry link and its first message (delivery id 1).
            toHub.write(RawAmqpConversation.conversation(hub.hub.hostName(), amqpDevices.audience(hog.deviceId()),
                    amqpDevices.token(hog, 3600)));
            toHub.flush();
            assertStallsAndResumes(hog, socket.getInputStream(), batch -> {
                toHub.write(batch);
                toHub.flush();
            }, batch -> RawAmqpConversation.telemetryTransfers(2 + batch * 100, 100));
        }
    }

    @Test
    void anEventHubsReceiverThatGrantsCreditButNeverReadsIsSentOnlyWhatItsConnectionHolds() throws Exception {
        String deviceId = "eh-big-sender";
        // Small messages, so that the receiver's own read-ahead (256 messages) weighs little beside what is stored.
        byte[] body = new byte[4 * 1024];
        int stored = 20_000;
        for (int i = 0; i < stored; i++) {
            hub.hub.telemetry().accept(deviceId, Map.of(), Map.of(), body).join();
        }
        String source = hub.hub.hubName() + "/ConsumerGroups/$Default/Partitions/"
                + new TelemetryPartitions(hub.hub.partitions()).partitionOf(deviceId);
        long memoryBefore = memoryAfterGc();
        try (SSLSocket socket = slowReaderSocket(hub.hub.amqpPort())) {
            OutputStream toHub = socket.getOutputStream();
            toHub.write(RawAmqpConversation.saslPlainExchange("service@sas.root." + hub.hub.hubName(),
                    amqpDevices.serviceToken("service", 3600)));
            toHub.flush();
            RawAmqpConversation.skipSaslAnswer(socket.getInputStream());
            // Credit for everything stored (80 MB), then never a byte read.
            toHub.write(RawAmqpConversation.eventHubsReceiver(hub.hub.hostName(), source, 1_000_000));
            toHub.flush();

            // The hub would queue all 80 MB within seconds; it must stop at what the connection's buffers hold.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long most = 0;
            while (System.nanoTime() < deadline) {
                most = Math.max(most, memoryAfterGc() - memoryBefore);
                assertThat(most).as("memory the hub took for a receiver that reads nothing")
                        .isLessThan(20L * 1024 * 1024);
                TimeUnit.MILLISECONDS.sleep(250);
            }
            System.out.printf("Event Hubs receiver that reads nothing: memory grew by at most %,d bytes%n", most);

            assertAnotherDeviceIsServed();
            // Once it reads, the rest comes (a read that waits 10 s fails the test).
            long wanted = stored * (long) body.length;
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream fromHub = socket.getInputStream();
            for (int n; received <= wanted && (n = fromHub.read(buffer)) >= 0; ) {
                received += n;
            }
            assertThat(received).as("bytes the receiver got once it read").isGreaterThan(wanted);
        }
    }

    /** The heap after a GC plus the direct memory Netty and the JDK hold (what the hub queues for a socket is either). */
    private static long memoryAfterGc() {
        System.gc();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct
                + Math.max(0, PlatformDependent.usedDirectMemory());
    }

    @Test
    void aMonitorReaderThatReadsNothingIsToldWhatItMissedInsteadOfBeingBufferedFor() throws Exception {
        try (SSLSocket socket = slowReaderSocket(hub.hub.httpsPort())) {
            OutputStream toHub = socket.getOutputStream();
            toHub.write(("GET /monitor/events HTTP/1.1\r\nHost: " + hub.address() + "\r\nAuthorization: "
                    + amqpDevices.serviceToken("service", 3600) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            toHub.flush();
            InputStream fromHub = socket.getInputStream();
            readUntil(fromHub, "monitoring device-to-cloud messages");

            // 80 MB of telemetry while the reader reads nothing: the hub drops it for this reader rather than queue it
            // (the heap does not show the difference: stored messages are read from the mapped telemetry log).
            byte[] body = new byte[2 * 1024];
            for (int i = 0; i < 40_000; i++) {
                hub.hub.telemetry().accept("monitored-hog", Map.of(), Map.of(), body).join();
            }

            // Once it reads, the next message tells it how many it missed (without the drop, 80 MB come first).
            readUntil(fromHub, "messages dropped: this reader was too slow",
                    () -> hub.hub.telemetry().accept("monitored-hog", Map.of(), Map.of(), body).join());
        }
    }

    private static void readUntil(InputStream fromHub, String text) throws IOException {
        readUntil(fromHub, text, () -> { });
    }

    /** Reads until {@code text} came (a read that waits 10 s fails the test), doing {@code betweenReads} meanwhile. */
    private static void readUntil(InputStream fromHub, String text, Runnable betweenReads) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        String tail = "";
        for (int n; (n = fromHub.read(buffer)) >= 0; ) {
            tail = tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            if (tail.contains(text)) {
                return;
            }
            tail = tail.substring(Math.max(0, tail.length() - text.length()));
            betweenReads.run();
        }
        throw new AssertionError("the stream ended before " + text);
    }

    /**
     * TLS to the hub's {@code port}, with a small receive buffer: what the client's kernel takes in for it is its own
     * business, and small, the stall comes soon.
     */
    private static SSLSocket slowReaderSocket(int port) throws IOException {
        SSLSocket socket = (SSLSocket) hub.trustHubCa.getSocketFactory().createSocket();
        try {
            socket.setReceiveBufferSize(8 * 1024);
            socket.connect(new InetSocketAddress(hub.address(), port), 5_000);
            socket.setSoTimeout(10_000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void assertConnackAccepted(InputStream fromHub) throws IOException {
        assertThat(fromHub.readNBytes(4)).as("CONNACK accepted").containsExactly(0x20, 0x02, 0x00, 0x00);
    }

    /** Batch {@code n}: 100 QoS 1 telemetry PUBLISHes of the device, packet ids counting on from batch to batch. */
    private static IntFunction<byte[]> publishes(DeviceIdentity hog) {
        String topic = "devices/" + hog.deviceId() + "/messages/events/";
        byte[] payload = "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8);
        return batch -> {
            ByteArrayOutputStream packets = new ByteArrayOutputStream();
            for (int i = 0; i < 100; i++) {
                int packetId = (batch * 100 + i) % 65_535 + 1;
                packets.writeBytes(MqttFuzzTest.publishPacket(topic, payload, 1, packetId));
            }
            return packets.toByteArray();
        };
    }

    private interface PacketWriter {
        void write(byte[] packets) throws IOException;
    }

    private static void assertStallsAndResumes(DeviceIdentity hog, InputStream fromHub, PacketWriter toHub,
                                               IntFunction<byte[]> batches) throws Exception {
        AtomicLong stored = new AtomicLong();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(message -> {
            if (message.deviceId().equals(hog.deviceId())) {
                stored.incrementAndGet();
            }
        })) {
            Thread publisher = new Thread(() -> sendUntilClosed(toHub, batches), "hog-publisher");
            publisher.setDaemon(true);
            publisher.start();

            long started = System.nanoTime();
            long stalled = awaitNoGrowth(stored);
            System.out.printf("%s: the hub stopped reading after %,d messages, %d ms%n", hog.deviceId(), stalled,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(stalled).as("messages taken from a device that reads nothing")
                    .isPositive().isLessThan(MOST_MESSAGES_BEFORE_THE_STALL);

            assertAnotherDeviceIsServed();
            assertThat(stored.get()).as("the hog's stored messages while it still reads nothing").isEqualTo(stalled);

            Thread reader = new Thread(() -> readUntilClosed(fromHub), "hog-reader");
            reader.setDaemon(true);
            reader.start();
            awaitThat(() -> stored.get() > stalled + 10_000, Duration.ofSeconds(30),
                    "the hub takes the hog's messages again once it reads");
        }
    }

    /** Waits until the count has not moved for a second (the hub no longer reads the hog); returns it. */
    private static long awaitNoGrowth(AtomicLong count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = count.get();
            if (now == last && now > 0) {
                return now;
            }
            last = now;
            TimeUnit.SECONDS.sleep(1);
        }
        throw new AssertionError("the hub kept taking messages from a device that reads nothing: " + count.get());
    }

    /** Another device's QoS 1 messages are each acknowledged, one after the other, while the hog is stalled. */
    private static void assertAnotherDeviceIsServed() throws Exception {
        MqttClient canary = devices.connect(devices.device("canary"));
        BlockingQueue<Integer> acknowledged = new LinkedBlockingQueue<>();
        canary.publishCompletionHandler(acknowledged::add);
        try {
            for (int i = 0; i < 100; i++) {
                int packetId = canary.publish("devices/canary/messages/events/", Buffer.buffer("{\"n\":" + i + "}"),
                        MqttQoS.AT_LEAST_ONCE, false, false).toCompletionStage().toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                assertThat(acknowledged.poll(5, TimeUnit.SECONDS)).as("PUBACK of the canary's message %d", i)
                        .isEqualTo(packetId);
            }
        } finally {
            canary.disconnect();
        }
    }

    private static void sendUntilClosed(PacketWriter toHub, IntFunction<byte[]> batches) {
        try {
            for (int batch = 0; ; batch++) {
                toHub.write(batches.apply(batch));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void readUntilClosed(InputStream fromHub) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (fromHub.read(buffer) >= 0) {
                // PUBACKs, taken and dropped
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static byte[] connect(DeviceIdentity device) {
        return MqttFuzzTest.connectPacket(device.deviceId(), devices.username(device.deviceId()), devices.password(device));
    }
}
