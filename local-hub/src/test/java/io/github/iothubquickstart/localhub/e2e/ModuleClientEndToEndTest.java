package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ModuleClient over MQTT: it connects with its own connection string, its telemetry arrives marked with its
 * module id, and it is an identity of its own (neither its device's keys nor its device's topics work for it).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleClientEndToEndTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    static Path dataDirectory;
    static TestHub hub;
    static RegistryClient registry;

    @BeforeAll
    static void startHub() {
        hub = new TestHub(ADDRESS, dataDirectory);
        registry = hub.registryClient("registryReadWrite");
    }

    @AfterEach
    void closeClients() {
        hub.closeDevices();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @Test
    void moduleTelemetryArrivesWithItsDeviceAndModuleId() throws Exception {
        hub.registerModule("plant-1", "thermometer");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            ModuleClient module = hub.module("plant-1", "thermometer", IotHubClientProtocol.MQTT);
            module.open(false);

            Message message = new Message("{\"temperature\":21.5}");
            message.setProperty("unit", "celsius");
            module.sendEvent(message);

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo("plant-1");
            assertThat(arrived.moduleId()).isEqualTo("thermometer");
            assertThat(arrived.systemProperties()).containsEntry("iothub-connection-module-id", "thermometer");
            assertThat(arrived.applicationProperties()).containsEntry("unit", "celsius");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":21.5}");
        }
    }

    @Test
    void connectedModuleShowsAsConnectedWhileItsDeviceDoesNot() throws Exception {
        hub.registerModule("plant-2", "thermometer");
        ModuleClient module = hub.module("plant-2", "thermometer", IotHubClientProtocol.MQTT);
        module.open(false);

        assertThat(registry.getModule("plant-2", "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
        assertThat(registry.getDevice("plant-2").getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
    }

    @Test
    void deviceAndItsModuleAreConnectedAtTheSameTime() throws Exception {
        hub.registerModule("plant-3", "thermometer");
        ModuleClient module = hub.module("plant-3", "thermometer", IotHubClientProtocol.MQTT);
        module.open(false);
        hub.device("plant-3").open(false);

        assertThat(hub.hub.isDeviceConnected("plant-3")).isTrue();
        assertThat(registry.getModule("plant-3", "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
    }

    @Test
    void moduleCannotConnectWithItsDevicesKey() {
        hub.registerModule("plant-4", "thermometer");
        DeviceIdentity device = hub.hub.identity().registry().findDevice("plant-4").orElseThrow();
        String withDeviceKey = "HostName=" + hub.hub.hostName() + ";DeviceId=plant-4;ModuleId=thermometer"
                + ";SharedAccessKey=" + device.primaryKey();
        ModuleClient module = hub.moduleWithConnectionString(withDeviceKey, IotHubClientProtocol.MQTT);

        assertThatThrownBy(() -> module.open(false)).isInstanceOf(IotHubClientException.class);
    }

    @Test
    void deviceCannotConnectAsItsModuleNorTheModuleAsItsDevice() throws Exception {
        hub.registerModule("plant-5", "thermometer");
        DeviceIdentity device = hub.hub.identity().registry().findDevice("plant-5").orElseThrow();
        ModuleIdentity module = hub.hub.identity().registry().findModule("plant-5", "thermometer").orElseThrow();
        String host = hub.hub.hostName();
        long expiry = Instant.now().plusSeconds(600).getEpochSecond();
        try (RawMqttDevices raw = new RawMqttDevices(hub.hub)) {
            String moduleUser = host + "/plant-5/thermometer/?api-version=2021-04-12";
            // The device's token (its resource and key) as the module.
            assertThat(raw.refusal("plant-5/thermometer", moduleUser,
                    SasSigner.sign(device.primaryKey(), host + "/devices/plant-5", expiry, null)))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            // The module's token as the device.
            assertThat(raw.refusal("plant-5", raw.username("plant-5"),
                    SasSigner.sign(module.primaryKey(), host + "/devices/plant-5/modules/thermometer", expiry, null)))
                    .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        }
    }

    @Test
    void modulePublishingOnItsDevicesTelemetryTopicIsDisconnected() throws Exception {
        hub.registerModule("plant-6", "thermometer");
        ModuleIdentity module = hub.hub.identity().registry().findModule("plant-6", "thermometer").orElseThrow();
        String host = hub.hub.hostName();
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (RawMqttDevices raw = new RawMqttDevices(hub.hub);
             AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            MqttClient client = raw.connect("plant-6/thermometer", host + "/plant-6/thermometer/?api-version=2021-04-12",
                    SasSigner.sign(module.primaryKey(), host + "/devices/plant-6/modules/thermometer",
                            Instant.now().plusSeconds(600).getEpochSecond(), null));
            CountDownLatch closed = new CountDownLatch(1);
            client.closeHandler(ignored -> closed.countDown());

            client.publish("devices/plant-6/messages/events/", Buffer.buffer("{}"), MqttQoS.AT_LEAST_ONCE, false, false);

            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(received).isEmpty();
        }
    }

    @Test
    void directMethodOnAModuleReachesThatModuleAndNotItsDevice() throws Exception {
        hub.registerModule("plant-7", "valve");
        List<String> deviceCalls = new CopyOnWriteArrayList<>();
        hub.connectedDevice("plant-7", (name, payload, context) -> {
            deviceCalls.add(name);
            return new DirectMethodResponse(500, Map.of());
        });
        ModuleClient module = hub.module("plant-7", "valve", IotHubClientProtocol.MQTT);
        module.open(false);
        module.subscribeToMethods((name, payload, context) ->
                new DirectMethodResponse(200, Map.of("opened", payload.getPayloadAsJsonElement())), null);
        DirectMethodsClient methods = hub.methodsClient("service");

        var answer = methods.invoke("plant-7", "valve", "open",
                DirectMethodRequestOptions.builder().payload(Map.of("percent", 40)).build());

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().getAsJsonObject("opened").get("percent").getAsInt())
                .isEqualTo(40);
        assertThat(deviceCalls).isEmpty();
        // The device's own methods are still its own.
        assertThat(methods.invoke("plant-7", "open").getStatus()).isEqualTo(500);
    }

    @Test
    void directMethodOnAModuleThatIsNotConnectedOrNotRegisteredIsNotFound() {
        hub.registerModule("plant-8", "valve");
        DirectMethodsClient methods = hub.methodsClient("service");

        DirectMethodRequestOptions noWait = DirectMethodRequestOptions.builder()
                .methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(5).build();

        assertThatThrownBy(() -> methods.invoke("plant-8", "valve", "open", noWait))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
        assertThatThrownBy(() -> methods.invoke("plant-8", "no-such-module", "open", noWait))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404010));
    }

    @Test
    void disablingOrDeletingTheDeviceDropsItsModulesConnectionAndADisabledDevicesModuleIsRefused() throws Exception {
        hub.registerModule("plant-9", "thermometer");
        ModuleClient module = hub.module("plant-9", "thermometer", IotHubClientProtocol.MQTT);
        module.open(false);
        var device = registry.getDevice("plant-9");
        device.setStatus(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled);

        registry.updateDevice(device);

        assertThat(registry.getModule("plant-9", "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Disconnected);
        ModuleClient again = hub.module("plant-9", "thermometer", IotHubClientProtocol.MQTT);
        assertThatThrownBy(() -> again.open(false)).isInstanceOf(IotHubClientException.class);

        hub.registerModule("plant-10", "thermometer");
        hub.module("plant-10", "thermometer", IotHubClientProtocol.MQTT).open(false);
        registry.removeDevice("plant-10");
        hub.registerModule("plant-10", "thermometer");

        assertThat(registry.getModule("plant-10", "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Disconnected);
    }
}
