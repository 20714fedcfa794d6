package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KillAmqpSession} as a client reads it off the wire: the detach of each of the device's links and the end of
 * its session arrive in one TLS record, that is in one write of the hub. Sent one by one, the Java device SDK 2.5.0 acts
 * on the first detach before the end arrives; with a multiplexed connection it then drops every device on it (see
 * {@code SessionTeardown}), which {@code MultiplexingClientTests}' session-drop cases showed against the hub.
 *
 * <p>The JDK's TLS socket hands out one record per read, which is what makes the hub's writes visible here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KilledSessionFramesTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 5671);

    @TempDir
    static Path dataDirectory;
    static LocalHub hub;
    static RawAmqpDevices devices;

    @BeforeAll
    static void start() {
        hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).httpsPort(0).build().start();
        devices = new RawAmqpDevices(hub);
    }

    @AfterAll
    static void stop() throws Exception {
        devices.close();
        hub.close();
    }

    @Test
    void theDetachesOfAKilledSessionArriveWithItsEnd() throws Exception {
        DeviceIdentity device = devices.device("killed-session-frames");
        try (SSLSocket socket = (SSLSocket) TrustedCa.trustingOnly(hub.caCertificateFile()).getSocketFactory()
                .createSocket(hub.bindAddress(), hub.amqpPort())) {
            socket.setSoTimeout(15_000);
            OutputStream toHub = socket.getOutputStream();
            InputStream fromHub = socket.getInputStream();
            toHub.write(RawAmqpConversation.saslExchange());
            RawAmqpConversation.skipSaslAnswer(fromHub);
            // A delay, as the SDKs' tests ask for: the break then comes from a timer, not while the hub reads.
            toHub.write(concat(RawAmqpConversation.conversation(hub.hostName(), devices.audience(device.deviceId()),
                    devices.token(device, 600)), RawAmqpConversation.faultRequest(2, "KillAmqpSession", 1)));
            toHub.flush();

            List<List<Object>> reads = readUntilEnd(fromHub);

            List<Object> withFirstDetach = reads.stream().filter(read -> read.stream().anyMatch(Detach.class::isInstance))
                    .findFirst().orElseThrow(() -> new AssertionError("no detach from the hub: " + reads));
            assertThat(withFirstDetach).as("the frames read together with the first detach, of " + reads)
                    .anySatisfy(frame -> assertThat(frame).isInstanceOf(End.class));
            End end = (End) withFirstDetach.stream().filter(End.class::isInstance).findFirst().orElseThrow();
            assertThat(end.getError().getCondition().toString()).isEqualTo("amqp:internal-error");
            assertThat(end.getError().getDescription()).isEqualTo("Boom");
        }
    }

    /** The performatives the hub sent, grouped by the read (TLS record) that brought them, up to its first end. */
    private static List<List<Object>> readUntilEnd(InputStream fromHub) throws Exception {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        List<List<Object>> reads = new ArrayList<>();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] record = new byte[64 * 1024];
        boolean headerSkipped = false;
        while (reads.stream().flatMap(List::stream).noneMatch(End.class::isInstance)) {
            int read;
            try {
                read = fromHub.read(record);
            } catch (SocketTimeoutException silence) {
                throw new AssertionError("the hub sent no end within 15 s; it sent " + reads, silence);
            }
            assertThat(read).as("the hub closed the connection after " + reads).isPositive();
            pending.write(record, 0, read);
            byte[] bytes = pending.toByteArray();
            int at = 0;
            if (!headerSkipped && bytes.length >= 8) {
                at = 8;
                headerSkipped = true;
            }
            List<Object> frames = new ArrayList<>();
            while (bytes.length - at >= 8) {
                int size = ByteBuffer.wrap(bytes, at, 4).getInt();
                if (bytes.length - at < size) {
                    break;
                }
                int bodyStart = at + 4 * (bytes[at + 4] & 0xff);
                if (size > bodyStart - at) {
                    decoder.setByteBuffer(ByteBuffer.wrap(bytes, bodyStart, size - (bodyStart - at)));
                    frames.add(decoder.readObject());
                }
                at += size;
            }
            pending.reset();
            pending.write(bytes, at, bytes.length - at);
            reads.add(frames);
        }
        return reads;
    }
}
