package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
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
 * AMQP connections without a SASL layer, as IoT Hub takes them from the Node SDKs (rhea): the plain AMQP header right
 * after TLS, then the token on $cbs. Such a client has no identity until its put-token, exactly like one that chose SASL
 * ANONYMOUS: the same authentication deadline, the same checks. A client that starts with the SASL header still gets
 * SASL.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AmqpWithoutSaslRulesTest {
    /** AmqpConnectionRulesTest's, so that its check of a closed socket serves here too. */
    private static final Duration AUTHENTICATION_TIMEOUT = AmqpConnectionRulesTest.AUTHENTICATION_TIMEOUT;
    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};

    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.limits(HubLimits.DEFAULT.withConnectPacketTimeout(AUTHENTICATION_TIMEOUT)))
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
    void theHubAnswersTheHeaderTheClientSent() throws Exception {
        assertThat(answerTo(AMQP_HEADER)).as("plain AMQP header").containsExactly(AMQP_HEADER);
        assertThat(answerTo(SASL_HEADER)).as("SASL header").containsExactly(SASL_HEADER);
    }

    @Test
    void aClientThatSendsOnlyTheAmqpHeaderIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (SSLSocket socket = tlsSocket()) {
            socket.getOutputStream().write(AMQP_HEADER);
            socket.getOutputStream().flush();

            assertThat(AmqpConnectionRulesTest.readsToEndWithin(socket, socket.getInputStream())).isTrue();
        }
    }

    @Test
    void aDeviceWithoutSaslThatPutsNoTokenIsClosedAfterTheAuthenticationTimeout() throws Exception {
        try (RawAmqpDevices.Client client = raw.connectWithoutSasl()) {
            assertThat(client.closed.get(10, TimeUnit.SECONDS).getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aDeviceWithoutSaslPutsItsTokenOnCbsAndItsTelemetryIsStored() throws Exception {
        DeviceIdentity device = raw.device("no-sasl-device");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add);
             RawAmqpDevices.Client client = raw.connectWithoutSasl()) {
            assertThat(client.putToken(raw.audience("no-sasl-device"), raw.token(device, 600))).isEqualTo(200);
            RawAmqpDevices.Link events = client.attachSender("/devices/no-sasl-device/messages/events");

            assertThat(client.send(events, RawAmqpDevices.telemetry("without SASL"))).isInstanceOf(Accepted.class);
            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived.deviceId()).isEqualTo("no-sasl-device");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("without SASL");
            assertThat(hub.hub.isDeviceConnected("no-sasl-device")).isTrue();
            assertThat(client.attachSender("/devices/another-device/messages/events").closedWith(5_000))
                    .as("another device's address").isEqualTo("amqp:unauthorized-access");
            Thread.sleep(AUTHENTICATION_TIMEOUT.multipliedBy(2).toMillis());
            assertThat(client.closed).as("authenticated in time, still open").isNotDone();
        }
    }

    @Test
    void aWrongTokenIsRefusedAndGrantsNothing() throws Exception {
        DeviceIdentity device = raw.device("no-sasl-refused");
        DeviceIdentity other = raw.device("no-sasl-other");
        try (RawAmqpDevices.Client client = raw.connectWithoutSasl()) {
            assertThat(client.putToken(raw.audience("no-sasl-refused"), raw.token(other, 600)))
                    .as("signed with another device's key").isEqualTo(401);
            assertThat(client.putToken(raw.audience("no-sasl-refused"), raw.token(device, -60)))
                    .as("expired").isEqualTo(401);
            assertThat(client.attachSender("/devices/no-sasl-refused/messages/events").closedWith(5_000))
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(hub.hub.isDeviceConnected("no-sasl-refused")).isFalse();
            assertThat(client.closed.get(10, TimeUnit.SECONDS).getCondition().toString())
                    .isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aBackEndWithoutSaslPutsItsPolicyTokenAndAttachesToTheCloudToDeviceNode() throws Exception {
        try (RawAmqpDevices.Client client = raw.connectWithoutSasl()) {
            assertThat(client.attachSender("/messages/devicebound").closedWith(5_000)).as("before its token")
                    .isEqualTo("amqp:unauthorized-access");
            assertThat(client.putToken(hub.hub.hostName(), raw.serviceToken("service", 600))).isEqualTo(200);

            assertThat(client.attachSender("/messages/devicebound").closedWith(2_000)).as("still open").isNull();
        }
    }

    @Test
    void aBackEndWithoutSaslPutsAnEventHubsTokenAndAttachesToAPartition() throws Exception {
        String partition = hub.hub.hubName() + "/ConsumerGroups/$Default/Partitions/0";
        String audience = "amqp://" + hub.hub.hostName() + "/" + hub.hub.hubName();
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        try (RawAmqpDevices.Client client = raw.connectWithoutSasl()) {
            assertThat(client.attachReceiver(partition).get(5, TimeUnit.SECONDS).getCondition().toString())
                    .as("before its token").isEqualTo("amqp:unauthorized-access");
            assertThat(client.putToken(audience, SasSigner.signAsEventHubs(service.primaryKey(), audience,
                    Instant.now().plusSeconds(600).getEpochSecond(), "service"))).isEqualTo(200);

            CompletableFuture<ErrorCondition> attached = client.attachReceiver(partition);
            assertThat(attached).as("still open").failsWithin(Duration.ofSeconds(2))
                    .withThrowableOfType(TimeoutException.class);
        }
    }

    @Test
    void theEventHubsListenerWithoutTlsTakesNoSaslButStillNoDevice() throws Exception {
        DeviceIdentity device = raw.device("no-sasl-no-tls");
        try (RawAmqpDevices.Client client = raw.connectWithoutSaslOrTls()) {
            assertThat(client.putToken(raw.audience("no-sasl-no-tls"), raw.token(device, 600))).isNotEqualTo(200);
            assertThat(hub.hub.isDeviceConnected("no-sasl-no-tls")).isFalse();
        }
    }

    @Test
    void saslAnonymousStillWorks() throws Exception {
        DeviceIdentity device = raw.device("sasl-device");
        try (RawAmqpDevices.Client client = raw.connect()) {
            assertThat(client.putToken(raw.audience("sasl-device"), raw.token(device, 600))).isEqualTo(200);
            RawAmqpDevices.Link events = client.attachSender("/devices/sasl-device/messages/events");

            assertThat(client.send(events, RawAmqpDevices.telemetry("with SASL"))).isInstanceOf(Accepted.class);
        }
    }

    /** The first 8 bytes the hub sends after a TLS client sent {@code header}. */
    private static byte[] answerTo(byte[] header) throws Exception {
        try (SSLSocket socket = tlsSocket()) {
            OutputStream out = socket.getOutputStream();
            out.write(header);
            out.flush();
            socket.setSoTimeout(10_000);
            byte[] answer = new byte[8];
            new DataInputStream(socket.getInputStream()).readFully(answer);
            return answer;
        }
    }

    private static SSLSocket tlsSocket() throws Exception {
        SSLSocket socket = (SSLSocket) TrustedCa.trustingOnly(hub.hub.caCertificateFile()).getSocketFactory()
                .createSocket(hub.hub.bindAddress(), hub.hub.amqpPort());
        socket.startHandshake();
        return socket;
    }
}
