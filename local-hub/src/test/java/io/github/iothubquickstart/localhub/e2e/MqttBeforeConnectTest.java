package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a client sends before its CONNECT: a packet that does not decode, or any packet but CONNECT, is a protocol
 * error (MQTT 3.1.1, 3.1). The hub closes the connection at once and logs it as the client's doing, not as an ERROR
 * of its own (vertx-mqtt's exceptions went to the log as unhandled ERRORs with their stack traces).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttBeforeConnectTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void aFirstPacketThatDoesNotDecodeClosesTheConnectionAtOnce() throws Exception {
        // CONNECT with bit 3 of its fixed header set, which MQTT 3.1.1 forbids.
        byte[] malformed = {0x18, 0x00};
        String log = HubLogCapture.during(() -> assertThat(closedWithinTwoSecondsAfter(malformed)).isTrue());

        assertThat(log).doesNotContain("ERROR").contains("before CONNECT");
    }

    @Test
    void aPublishBeforeConnectClosesTheConnectionAtOnce() throws Exception {
        byte[] publish = MqttFuzzTest.publishPacket("devices/early/messages/events/",
                "too soon".getBytes(StandardCharsets.UTF_8), 0, 0);
        String log = HubLogCapture.during(() -> assertThat(closedWithinTwoSecondsAfter(publish)).isTrue());

        assertThat(log).doesNotContain("ERROR").contains("PUBLISH before CONNECT");
    }

    private static boolean closedWithinTwoSecondsAfter(byte[] bytes) throws Exception {
        try (SSLSocket socket = (SSLSocket) TrustedCa.trustingOnly(hub.hub.caCertificateFile()).getSocketFactory()
                .createSocket(hub.hub.bindAddress(), hub.hub.mqttPort())) {
            socket.startHandshake();
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.setSoTimeout(2_000);
            InputStream in = socket.getInputStream();
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException stillOpen) {
                return false;
            }
        }
    }
}
