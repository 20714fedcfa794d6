package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every AMQP listener does with a connection before and beside its tokens: the SASL exchange has a deadline (on
 * 5671 and on the Event Hubs emulator's plain 5672), SASL PLAIN with a SAS token logs in as a put-token would, a
 * connection whose grants all expired is closed as a new one would be, and sessions and links per connection are
 * capped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AmqpConnectionRulesTest {
    static final Duration AUTHENTICATION_TIMEOUT = Duration.ofSeconds(1);
    /** Small caps, so that reaching them is quick (Proton-J's cost per frame grows with a connection's links). */
    private static final int MAX_SESSIONS = 20;
    private static final int MAX_LINKS = 50;

    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.limits(HubLimits.DEFAULT.withConnectPacketTimeout(AUTHENTICATION_TIMEOUT)
                    .withAmqpCapsPerConnection(MAX_SESSIONS, MAX_LINKS)))
            .build();
    static RawAmqpDevices raw;

    @BeforeAll
    static void setUp() {
        raw = new RawAmqpDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        raw.close();
    }

    @Test
    void aTlsClientThatNeverFinishesSaslIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (SSLSocket socket = (SSLSocket) TrustedCa.trustingOnly(hub.hub.caCertificateFile()).getSocketFactory()
                .createSocket(hub.hub.bindAddress(), hub.hub.amqpPort())) {
            socket.startHandshake();
            socket.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
            socket.getOutputStream().flush();

            assertThat(readsToEndWithin(socket, socket.getInputStream())).isTrue();
        }
    }

    /**
     * The Azure SDKs drop a connection they give up on without closing it; Vert.x used to log each such reset at
     * ERROR ({@code ConnectionBase - recvAddress(..) failed with error(-104): Connection reset by peer}).
     */
    @Test
    void aClientThatResetsItsConnectionIsNoErrorInTheHubsLog() throws Exception {
        String log = HubLogCapture.during(() -> {
            Socket tcp = new Socket(hub.hub.bindAddress(), hub.hub.amqpPort());
            SSLSocket tls = (SSLSocket) TrustedCa.trustingOnly(hub.hub.caCertificateFile()).getSocketFactory()
                    .createSocket(tcp, hub.hub.bindAddress(), hub.hub.amqpPort(), true);
            tls.startHandshake();
            tls.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
            tls.getOutputStream().flush();
            assertThat(tls.getInputStream().readNBytes(8)).as("the hub's SASL header").hasSize(8);
            // A reset, no TLS close_notify: the TCP socket under the TLS one goes with linger 0.
            tcp.setSoLinger(true, 0);
            tcp.close();
            Thread.sleep(1_000);
        });
        // Only lines about a reset: whatever else the hub logs meanwhile is not this test's subject.
        assertThat(log.lines().filter(line -> line.contains("ERROR") && line.contains("reset"))).as(log).isEmpty();
    }

    @Test
    void aPlainClientThatSaysNothingIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (Socket socket = new Socket(hub.hub.bindAddress(), hub.hub.eventHubsPort())) {
            assertThat(readsToEndWithin(socket, socket.getInputStream())).isTrue();
        }
    }

    /** Whether the hub closes the socket within a few authentication timeouts (whatever it sent before). */
    static boolean readsToEndWithin(Socket socket, InputStream in) throws Exception {
        socket.setSoTimeout((int) AUTHENTICATION_TIMEOUT.multipliedBy(5).toMillis());
        try {
            while (in.read() >= 0) {
                // The hub's SASL header and mechanisms, if any.
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }

    @Test
    void aDeviceLogsInWithSaslPlainAndItsTelemetryIsStored() throws Exception {
        DeviceIdentity device = raw.device("plain-device");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add);
             RawAmqpDevices.Client client = raw.connectWithSaslPlain("plain-device@sas." + hub.hub.hubName(),
                     raw.token(device, 600))) {
            RawAmqpDevices.Link events = client.attachSender("/devices/plain-device/messages/events");

            assertThat(client.send(events, RawAmqpDevices.telemetry("by PLAIN"))).isInstanceOf(Accepted.class);
            assertThat(hub.hub.isDeviceConnected("plain-device")).isTrue();
            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived.deviceId()).isEqualTo("plain-device");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("by PLAIN");
            assertThat(client.attachSender("/devices/other-device/messages/events").closedWith(5_000))
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aBackEndLogsInWithSaslPlainAsItsPolicy() throws Exception {
        try (RawAmqpDevices.Client client = raw.connectWithSaslPlain("service@sas.root." + hub.hub.hubName(),
                raw.serviceToken("service", 600))) {
            assertThat(client.attachSender("/messages/devicebound").closedWith(2_000)).as("still open").isNull();
        }
    }

    @Test
    void aBadSaslPlainLoginFailsSasl() {
        DeviceIdentity device = raw.device("plain-refused");
        String token = raw.token(device, 600);
        assertThatThrownBy(() -> raw.connectWithSaslPlain("plain-refused@sas." + hub.hub.hubName(), raw.token(device, -60)))
                .as("expired").hasRootCauseInstanceOf(javax.security.sasl.AuthenticationException.class);
        assertThatThrownBy(() -> raw.connectWithSaslPlain("other-device@sas." + hub.hub.hubName(), token))
                .as("another device's name").hasRootCauseInstanceOf(javax.security.sasl.AuthenticationException.class);
        assertThatThrownBy(() -> raw.connectWithSaslPlain("plain-refused@sas.another-hub", token))
                .as("another hub").hasRootCauseInstanceOf(javax.security.sasl.AuthenticationException.class);
        assertThatThrownBy(() -> raw.connectWithSaslPlain("registryRead@sas.root." + hub.hub.hubName(),
                raw.serviceToken("service", 600))).as("another policy's token").hasRootCauseInstanceOf(javax.security.sasl.AuthenticationException.class);
        assertThatThrownBy(() -> raw.connectWithSaslPlainWithoutTls("plain-refused@sas." + hub.hub.hubName(), token))
                .as("devices never log in without TLS").hasRootCauseInstanceOf(javax.security.sasl.AuthenticationException.class);
        assertThat(hub.hub.isDeviceConnected("plain-refused")).isFalse();
    }

    @Test
    void aSaslPlainLoginExpiresWithItsTokenAndTheIdleConnectionIsThenClosed() throws Exception {
        DeviceIdentity device = raw.device("plain-expiring");
        try (RawAmqpDevices.Client client = raw.connectWithSaslPlain("plain-expiring@sas." + hub.hub.hubName(),
                raw.token(device, 2))) {
            RawAmqpDevices.Link events = client.attachSender("/devices/plain-expiring/messages/events");

            assertThat(events.closedWith(10_000)).isEqualTo("amqp:unauthorized-access");
            ErrorCondition closedWith = client.closed.get(10, TimeUnit.SECONDS);
            assertThat(closedWith.getCondition().toString()).isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aConnectionWhoseTokenExpiredGetsTheAuthenticationTimeoutToPutANewOne() throws Exception {
        DeviceIdentity renewed = raw.device("cbs-renewed");
        DeviceIdentity lapsed = raw.device("cbs-lapsed");
        try (RawAmqpDevices.Client renewing = raw.connect(); RawAmqpDevices.Client idle = raw.connect()) {
            assertThat(renewing.putToken(raw.audience("cbs-renewed"), raw.token(renewed, 2))).isEqualTo(200);
            assertThat(idle.putToken(raw.audience("cbs-lapsed"), raw.token(lapsed, 2))).isEqualTo(200);
            RawAmqpDevices.Link events = renewing.attachSender("/devices/cbs-renewed/messages/events");
            assertThat(events.closedWith(10_000)).isEqualTo("amqp:unauthorized-access");

            assertThat(renewing.putToken(raw.audience("cbs-renewed"), raw.token(renewed, 600))).isEqualTo(200);

            assertThat(idle.closed.get(10, TimeUnit.SECONDS).getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(renewing.closed).as("renewed in time").isNotDone();
        }
    }

    @Test
    void sessionsPerConnectionAreCapped() throws Exception {
        try (RawAmqpDevices.Client client = raw.connect()) {
            BlockingQueue<String> refusals = client.openAtOnce(MAX_SESSIONS + 1, false);

            assertThat(refusals.poll(10, TimeUnit.SECONDS)).isEqualTo("amqp:resource-limit-exceeded");
            assertThat(refusals).isEmpty();
        }
    }

    @Test
    void linksPerConnectionAreCapped() throws Exception {
        try (RawAmqpDevices.Client client = raw.connect()) {
            BlockingQueue<String> refusals = client.openAtOnce(MAX_LINKS + 1, true);

            assertThat(refusals.poll(10, TimeUnit.SECONDS)).isEqualTo("amqp:resource-limit-exceeded");
            assertThat(refusals).isEmpty();
        }
    }
}
