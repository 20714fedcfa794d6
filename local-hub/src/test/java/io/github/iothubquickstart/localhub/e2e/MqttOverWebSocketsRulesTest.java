package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT over WebSockets keeps MQTT's rules: raw clients (Paho, the device SDK's own transport) doing what the SDK never
 * would. They use the HTTPS port, which serves MQTT over WebSockets as 443 does, so these run without root.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttOverWebSocketsRulesTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void theDevicesOwnTelemetryIsStoredAndAcknowledged() throws Exception {
        DeviceIdentity device = device("ws-raw-publisher");
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            MqttAsyncClient client = connect(device.deviceId(), password(device));

            client.publish("devices/" + device.deviceId() + "/messages/events/a=1", "{}".getBytes(StandardCharsets.UTF_8),
                    1, false).waitForCompletion(5_000);

            TelemetryMessage message = received.poll(5, TimeUnit.SECONDS);
            assertThat(message).isNotNull();
            assertThat(message.deviceId()).isEqualTo(device.deviceId());
            assertThat(message.applicationProperties()).containsEntry("a", "1");
            client.disconnect().waitForCompletion(5_000);
        }
    }

    @Test
    void aWrongPasswordIsConnackNotAuthorized() {
        DeviceIdentity device = device("ws-raw-refused");
        String forged = SasSigner.sign(Base64.getEncoder().encodeToString(new byte[32]),
                hub.address() + "/devices/" + device.deviceId(), Instant.now().plusSeconds(600).getEpochSecond(), null);

        assertThatThrownBy(() -> connect(device.deviceId(), forged))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
                        .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED));
        assertThat(hub.hub.isDeviceConnected(device.deviceId())).isFalse();
    }

    @Test
    void onlyIotHubsFiltersForTheDeviceItselfAreGranted() throws Exception {
        DeviceIdentity device = device("ws-raw-subscriber");
        MqttAsyncClient client = connect(device.deviceId(), password(device));

        IMqttToken subscribed = client.subscribe(new String[] {"$iothub/methods/POST/#",
                "devices/someone-else/messages/devicebound/#", "#"}, new int[] {1, 1, 0});
        subscribed.waitForCompletion(5_000);

        assertThat(subscribed.getGrantedQos()).containsExactly(1, 0x80, 0x80);
        client.disconnect().waitForCompletion(5_000);
    }

    @Test
    void publishingOnAnotherDevicesTopicClosesTheConnection() throws Exception {
        DeviceIdentity device = device("ws-raw-intruder");
        MqttAsyncClient client = connect(device.deviceId(), password(device));
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.complete(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });

        client.publish("devices/someone-else/messages/events/", "{}".getBytes(StandardCharsets.UTF_8), 1, false);

        lost.get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.hub.isDeviceConnected(device.deviceId()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hub.hub.isDeviceConnected(device.deviceId())).isFalse();
        client.close(true);
    }

    @Test
    void aRequestWithoutTheWebSocketUpgradeIsToldWhatToSend() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("https://" + hub.address() + ":" + hub.hub.httpsPort() + "/$iothub/websocket")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("MQTT and AMQP over WebSockets only").contains("Upgrade: websocket");
    }

    @Test
    void aHubThatCannotBindItsWebSocketPortStartsWithoutIt(@TempDir Path otherData) throws Exception {
        String address = LoopbackAddresses.pickFree(8883);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            try (LocalHub other = LocalHub.builder().bindAddress(address).dataDirectory(otherData).httpsPort(0)
                    .webSocketPort(taken.getLocalPort()).build().start()) {
                assertThat(other.webSocketPort()).isZero();
                assertThat(other.mqttPort()).isEqualTo(8883);
                assertThat(other.httpsPort()).isPositive();
            }
        }
    }

    private static DeviceIdentity device(String deviceId) {
        return hub.hub.identity().registry().findDevice(deviceId)
                .orElseGet(() -> hub.hub.identity().registry().createDevice(deviceId));
    }

    private static String password(DeviceIdentity device) {
        return SasSigner.sign(device.primaryKey(), hub.hub.hostName() + "/devices/" + device.deviceId(),
                Instant.now().plusSeconds(600).getEpochSecond(), null);
    }

    /** As the device SDK connects over WebSockets: the same path, query, user name and SAS password. */
    private static MqttAsyncClient connect(String deviceId, String password) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient("wss://" + hub.address() + ":" + hub.hub.httpsPort()
                + "/$iothub/websocket?iothub-no-client-cert=true", deviceId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(false);
        options.setUserName(hub.hub.hostName() + "/" + deviceId + "/?api-version=2021-04-12");
        options.setPassword(password.toCharArray());
        options.setSocketFactory(hub.trustHubCa.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }
}
