package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * Plain MQTT clients speaking to a hub as devices, for tests that must do what the Azure SDK never would: send
 * forged credentials, subscribe or publish where they may not, flood. They trust the hub's CA and check its name.
 */
final class RawMqttDevices implements AutoCloseable {
    final Vertx vertx = Vertx.vertx();
    private final LocalHub hub;

    RawMqttDevices(LocalHub hub) {
        this.hub = hub;
    }

    DeviceIdentity device(String deviceId) {
        return hub.identity().registry().findDevice(deviceId)
                .orElseGet(() -> hub.identity().registry().createDevice(deviceId));
    }

    String username(String deviceId) {
        return hub.hostName() + "/" + deviceId + "/?api-version=2021-04-12";
    }

    /** A valid SAS token for the device, signed with its primary key. */
    String password(DeviceIdentity device) {
        return SasSigner.sign(device.primaryKey(), hub.hostName() + "/devices/" + device.deviceId(),
                Instant.now().plusSeconds(600).getEpochSecond(), null);
    }

    MqttClient connect(DeviceIdentity device) throws Exception {
        return connect(device.deviceId(), username(device.deviceId()), password(device));
    }

    MqttClient connect(String clientId, String username, String password) throws Exception {
        return connect(new MqttClientOptions().setClientId(clientId).setUsername(username).setPassword(password));
    }

    MqttClient connect(MqttClientOptions options) throws Exception {
        options.setCleanSession(false)
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(hub.caCertificateFile().toString()));
        MqttClient client = MqttClient.create(vertx, options);
        client.connect(hub.mqttPort(), hub.bindAddress()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** A TLS socket to the hub's MQTT port, handshake done, for bytes no MQTT client would send. */
    SSLSocket openTls() throws Exception {
        SSLSocket socket = (SSLSocket) TrustedCa.trustingOnly(hub.caCertificateFile()).getSocketFactory()
                .createSocket(hub.bindAddress(), hub.mqttPort());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** The CONNACK code a refused CONNECT got; fails if it was accepted. */
    MqttConnectReturnCode refusal(String clientId, String username, String password) throws Exception {
        try {
            connect(clientId, username, password).disconnect();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MqttConnectionException refused) {
                return refused.code();
            }
            throw e;
        }
        throw new AssertionError("the hub accepted CONNECT from " + clientId);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
