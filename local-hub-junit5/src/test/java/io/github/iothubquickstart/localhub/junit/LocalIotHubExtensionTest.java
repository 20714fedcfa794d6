package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinConnectionState;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's hub through the real Azure SDK clients, as a user's test drives it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalIotHubExtensionTest {
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @Test
    void deviceOpensWithTheGivenConnectionStringAndItsTelemetryArrives() throws Exception {
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.telemetry().subscribe(received::add)) {
            DeviceClient device = new DeviceClient(hub.deviceConnectionString("thermometer"),
                    IotHubClientProtocol.MQTT, hub.deviceClientOptions());
            try {
                device.open(false);
                Message message = new Message("{\"temperature\":21.5}");
                message.setProperty("unit", "celsius");

                device.sendEvent(message);

                TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
                assertThat(arrived).as("the message the device sent").isNotNull();
                assertThat(arrived.deviceId()).isEqualTo("thermometer");
                assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":21.5}");
                assertThat(arrived.applicationProperties()).containsEntry("unit", "celsius");
            } finally {
                device.close();
            }
        }
    }

    @Test
    void deviceOnMqttOverWebSocketsReachesTheHubOnPort443() throws Exception {
        // The device SDK opens MQTT_WS on 443 only; a test JVM that may not bind it (not root) cannot test this.
        boolean on443 = hub.hub().webSocketPort() == 443;
        String reason = "the hub could not listen on 443 for MQTT over WebSockets (its warning says why)";
        if (!on443 && Boolean.getBoolean("localhub.requireWebSockets")) {
            org.junit.jupiter.api.Assertions.fail(reason + " (localhub.requireWebSockets=true)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(on443, reason);
        DeviceClient device = new DeviceClient(hub.deviceConnectionString("ws-door"), IotHubClientProtocol.MQTT_WS,
                hub.deviceClientOptions());
        try {
            device.open(false);
            device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("over", "wss")), null);

            var answer = hub.directMethodsClient().invoke("ws-door", "unlock",
                    DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).build());

            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("over").getAsString()).isEqualTo("wss");
        } finally {
            device.close();
        }
    }

    @Test
    void methodInvokedThroughTheServiceClientIsAnsweredByTheDevice() throws Exception {
        DeviceClient device = hub.deviceClient("door");
        device.open(false);
        device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200,
                Map.of("method", name, "seconds", payload.getPayloadAsJsonElement())), null);

        var answer = hub.directMethodsClient().invoke("door", "unlock",
                DirectMethodRequestOptions.builder().payload(5).methodResponseTimeoutSeconds(10).build());

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("method").getAsString()).isEqualTo("unlock");
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("seconds").getAsInt()).isEqualTo(5);
    }

    @Test
    void desiredPatchReachesTheDeviceAndTheTwinShowsIt() throws Exception {
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desired = new LinkedBlockingQueue<>();
        DeviceClient device = hub.deviceClient("lamp");
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> desired.add(twin), null);

        Twin patch = new Twin("lamp");
        patch.getDesiredProperties().put("brightness", 80);
        patch.getTags().put("room", "hall");
        hub.twinClient().patch(patch);

        var update = desired.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("desired properties the device received").isNotNull();
        assertThat(update.getDesiredProperties().get("brightness")).isEqualTo(80L);
        Twin read = hub.twinClient().get("lamp");
        assertThat(((Number) read.getDesiredProperties().get("brightness")).intValue()).isEqualTo(80);
        assertThat(read.getTags().get("room")).isEqualTo("hall");
        assertThat(read.getConnectionState()).isEqualTo(TwinConnectionState.CONNECTED.toString());
    }

    @Test
    void registryClientAddsAndRemovesDevicesThatCanThenConnectOrNot() throws Exception {
        Device added = hub.registryClient().addDevice(new Device("added-by-service"));
        assertThat(hub.registryClient().getDevice("added-by-service").getPrimaryKey()).isEqualTo(added.getPrimaryKey());
        DeviceClient device = hub.deviceClient("added-by-service");
        device.open(false);
        device.close();

        hub.registryClient().removeDevice("added-by-service");

        assertThatThrownBy(() -> hub.registryClient().getDevice("added-by-service"))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void deviceConnectionStringRegistersADeviceOnlyOnce() throws Exception {
        String first = hub.deviceConnectionString("twice");
        String second = hub.deviceConnectionString("twice");

        assertThat(second).isEqualTo(first).contains("DeviceId=twice");
        assertThat(hub.registryClient().getDevice("twice").getPrimaryKey()).isNotBlank();
    }

    @Test
    void hubRunsOnAnAddressOfItsOwnWithAPrivateDataDirectory() throws Exception {
        assertThat(hub.hub().bindAddress()).startsWith("127.").isNotEqualTo("127.0.0.1");
        assertThat(hub.hub().mqttPort()).isEqualTo(8883);
        assertThat(Files.getPosixFilePermissions(hub.hub().dataDirectory()))
                .map(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
        assertThat(hub.serviceConnectionString()).startsWith("HostName=" + hub.hub().serviceHost() + ";")
                .contains("SharedAccessKeyName=iothubowner");
    }

    @Test
    void sslContextTrustsTheHubForOtherClients() throws Exception {
        javax.net.ssl.SSLSocketFactory factory = hub.sslContext().getSocketFactory();
        try (var socket = (javax.net.ssl.SSLSocket) factory.createSocket(hub.hub().bindAddress(), hub.hub().httpsPort())) {
            socket.startHandshake();
            assertThat(socket.getSession().getPeerCertificates()).isNotEmpty();
        }
    }
}
