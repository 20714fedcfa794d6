package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub whose process may open few files ({@code ulimit -n} lowered in the shell that starts it), driven to that limit
 * by clients that hold connections: new connections are refused in each protocol's own way (MQTT CONNACK 3, AMQP
 * {@code amqp:resource-limit-exceeded}, HTTPS 503), the hub says so once with the fix, and the devices connected before
 * still send telemetry and answer direct methods.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);
    /** Room for the hub's JVM, which opens a descriptor per jar of its class path (~130 here), and ~100 connections. */
    private static final int OPEN_FILES = 320;
    private static final int WAIT_SECONDS = 15;

    @TempDir
    Path dataDirectory;
    private final HubProcess hub = new HubProcess();
    private final Vertx vertx = Vertx.vertx();
    /** Idle TLS connections the test holds open to use up the hub's descriptors. */
    private final List<SSLSocket> held = new ArrayList<>();
    private final List<DeviceClient> devices = new ArrayList<>();
    private SSLContext trustHubCa;

    @AfterEach
    void cleanUp() throws Exception {
        for (SSLSocket socket : held) {
            socket.close();
        }
        for (DeviceClient device : devices) {
            device.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hub.stop();
    }

    @Test
    void refusesNewConnectionsOnceOutOfDescriptorsWhileConnectedDevicesKeepWorking() throws Exception {
        hub.startWithOpenFilesLimit(ADDRESS, dataDirectory, OPEN_FILES);
        trustHubCa = TrustedCa.trustingOnly(dataDirectory.resolve("ca.pem"));
        HttpsURLConnection.setDefaultSSLSocketFactory(trustHubCa.getSocketFactory()); // the service SDK's HTTPS
        DeviceIdentity mqttDevice;
        DeviceIdentity amqpDevice;
        SharedAccessPolicy service;
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            mqttDevice = identity.registry().createDevice("connected-over-mqtt");
            amqpDevice = identity.registry().createDevice("connected-over-amqp");
            service = identity.registry().findPolicy("service").orElseThrow();
        }
        DeviceClient mqtt = connected(mqttDevice, IotHubClientProtocol.MQTT);
        DeviceClient amqp = connected(amqpDevice, IotHubClientProtocol.AMQPS);
        DirectMethodsClient methods = new DirectMethodsClient(ADDRESS + ":8443", new AzureSasCredential(
                SasSigner.sign(service.primaryKey(), ADDRESS, Instant.now().plusSeconds(600).getEpochSecond(), service.name())));
        assertThat(mqttConnack()).as("a CONNECT with a wrong password, before any filling")
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);

        // Idle TLS connections until a device's CONNECT is refused for want of descriptors, not for its password.
        MqttConnectReturnCode refused = mqttConnack();
        while (refused == MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED && held.size() < OPEN_FILES) {
            hold(10);
            refused = mqttConnack();
        }
        assertThat(refused).isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
        assertThat(amqpConnectionRefusal()).isEqualTo("amqp:resource-limit-exceeded");
        assertThat(status("GET /$iothub/websocket HTTP/1.1\r\nHost: " + ADDRESS + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: mqtt\r\n\r\n")).as("MQTT over WebSockets").isEqualTo(503);
        // The back-end's requests get through the part of the reserve device connections may not use.
        assertAnswersMethod(methods, mqttDevice.deviceId());
        assertAnswersMethod(methods, amqpDevice.deviceId());
        mqtt.sendEvent(new Message("{\"at\":\"device limit\"}"));
        amqp.sendEvent(new Message("{\"at\":\"device limit\"}"));

        // More, into that part of the reserve, until an HTTPS request is refused too.
        int status = httpsStatus();
        while (status != 503 && held.size() < OPEN_FILES) {
            hold(5);
            status = httpsStatus();
        }
        assertThat(status).isEqualTo(503);
        assertThat(lastBody).contains("ErrorCode:ServiceUnavailable").contains("out of file descriptors");
        mqtt.sendEvent(new Message("{\"at\":\"request limit\"}"));
        amqp.sendEvent(new Message("{\"at\":\"request limit\"}"));

        assertThat(hub.output()).filteredOn(line -> line.contains("Out of file descriptors")).singleElement()
                .asString().contains("ulimit -n");
        assertThat(hub.output()).as("the hub never ran into the limit itself")
                .noneMatch(line -> line.contains("Too many open files"));
    }

    private DeviceClient connected(DeviceIdentity device, IotHubClientProtocol protocol) throws Exception {
        DeviceClient client = new DeviceClient("HostName=" + ADDRESS + ";DeviceId=" + device.deviceId()
                + ";SharedAccessKey=" + device.primaryKey(), protocol, ClientOptions.builder().sslContext(trustHubCa).build());
        devices.add(client);
        client.open(false);
        client.subscribeToMethods((method, payload, context) -> new DirectMethodResponse(200, "pong"), null);
        return client;
    }

    private static void assertAnswersMethod(DirectMethodsClient methods, String deviceId) throws Exception {
        assertThat(methods.invoke(deviceId, "ping", DirectMethodRequestOptions.builder()
                .methodResponseTimeoutSeconds(WAIT_SECONDS).methodConnectTimeoutSeconds(0).build()).getStatus())
                .isEqualTo(200);
    }

    /** Opens {@code count} more TLS connections to the HTTPS port and holds them, idle. */
    private void hold(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            held.add(handshaken());
        }
    }

    private SSLSocket handshaken() throws IOException {
        SSLSocket socket = (SSLSocket) trustHubCa.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(ADDRESS, 8443), WAIT_SECONDS * 1000);
        // Bounded: a hub out of descriptors leaves connections unaccepted in its listen backlog.
        socket.setSoTimeout(WAIT_SECONDS * 1000);
        socket.startHandshake();
        return socket;
    }

    /** The CONNACK code of a CONNECT with a wrong password. */
    private MqttConnectReturnCode mqttConnack() throws Exception {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId("no-such-device")
                .setUsername(ADDRESS + "/no-such-device/?api-version=2021-04-12")
                .setPassword("SharedAccessSignature sr=x&sig=y&se=1")
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(dataDirectory.resolve("ca.pem").toString()));
        try {
            MqttClient.create(vertx, options).connect(8883, ADDRESS)
                    .toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            return MqttConnectReturnCode.CONNECTION_ACCEPTED;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(MqttConnectionException.class);
            return ((MqttConnectionException) e.getCause()).code();
        }
    }

    /** The condition with which the hub closes a new AMQP connection (SASL ANONYMOUS), or "opened". */
    private String amqpConnectionRefusal() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        ProtonClientOptions options = new ProtonClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(dataDirectory.resolve("ca.pem").toString()))
                .setHostnameVerificationAlgorithm("HTTPS")
                .addEnabledSaslMechanism("ANONYMOUS");
        ProtonClient.create(vertx).connect(options, ADDRESS, 5671, connected -> {
            if (connected.failed()) {
                outcome.completeExceptionally(connected.cause());
                return;
            }
            ProtonConnection connection = connected.result();
            connection.closeHandler(closed -> {
                outcome.complete(connection.getRemoteCondition() == null ? "closed"
                        : connection.getRemoteCondition().getCondition().toString());
                connection.close();
                connection.disconnect();
            });
            connection.openHandler(opened -> vertx.setTimer(1000, ignored -> outcome.complete("opened")));
            connection.disconnectHandler(gone -> outcome.complete("disconnected"));
            connection.open();
        });
        return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private String lastBody;

    /** The status of an unauthenticated registry request on a new connection (401 when the hub takes it). */
    private int httpsStatus() throws IOException {
        return status("GET /devices?api-version=2021-04-12 HTTP/1.1\r\nHost: " + ADDRESS
                + ":8443\r\nConnection: close\r\n\r\n");
    }

    /** The status of {@code request} on a new connection to the HTTPS port; the hub closes it after refusing. */
    private int status(String request) throws IOException {
        try (SSLSocket socket = handshaken()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.UTF_8);
            lastBody = text.substring(text.indexOf("\r\n\r\n") + 4);
            return Integer.parseInt(text.split(" ", 3)[1]);
        }
    }
}
