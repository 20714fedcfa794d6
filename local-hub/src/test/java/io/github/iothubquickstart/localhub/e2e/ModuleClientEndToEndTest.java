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
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import java.nio.charset.StandardCharsets;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real ModuleClient over MQTT and AMQPS (each test the SDK can do runs on both): it connects with its own
 * connection string (or its device's key, as IoT Hub takes it), its telemetry arrives marked with its module id, and
 * it is an identity of its own (neither its device's tokens nor its device's topics or AMQP addresses work for it; raw
 * clients try what the SDK never does).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleClientEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
    }

    @AfterEach
    void closeClients() {
        hub.closeDevices();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void moduleTelemetryArrivesWithItsDeviceAndModuleId(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("plant-1", protocol);
        hub.registerModule(deviceId, "thermometer");
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            ModuleClient module = hub.module(deviceId, "thermometer", protocol);
            module.open(false);

            Message message = new Message("{\"temperature\":21.5}");
            message.setProperty("unit", "celsius");
            module.sendEvent(message);

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(deviceId);
            assertThat(arrived.moduleId()).isEqualTo("thermometer");
            assertThat(arrived.systemProperties()).containsEntry("iothub-connection-module-id", "thermometer");
            assertThat(arrived.applicationProperties()).containsEntry("unit", "celsius");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":21.5}");
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void connectedModuleShowsAsConnectedWhileItsDeviceDoesNot(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("plant-2", protocol);
        hub.registerModule(deviceId, "thermometer");
        ModuleClient module = hub.module(deviceId, "thermometer", protocol);
        module.open(false);

        assertThat(registry.getModule(deviceId, "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
        assertThat(registry.getDevice(deviceId).getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void deviceAndItsModuleAreConnectedAtTheSameTime(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("plant-3", protocol);
        hub.registerModule(deviceId, "thermometer");
        ModuleClient module = hub.module(deviceId, "thermometer", protocol);
        module.open(false);
        hub.device(deviceId, protocol).open(false);

        assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();
        assertThat(registry.getModule(deviceId, "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void moduleConnectsWithItsDevicesKeyAsTheModuleAsIotHubTakesIt(IotHubClientProtocol protocol) throws Exception {
        // The Java SDK's own suite connects every module so (DeviceConnectionString: its device's key, its id).
        String deviceId = TestHub.idFor("plant-4", protocol);
        hub.registerModule(deviceId, "thermometer");
        DeviceIdentity device = hub.hub.identity().registry().findDevice(deviceId).orElseThrow();
        String withDeviceKey = "HostName=" + hub.hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId=thermometer"
                + ";SharedAccessKey=" + device.primaryKey();
        ModuleClient module = hub.moduleWithConnectionString(withDeviceKey, protocol);

        module.open(false);

        assertThat(registry.getModule(deviceId, "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
        assertThat(registry.getDevice(deviceId).getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
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
    void overAmqpAModulesTokenGrantsThatModuleOnlyAndADevicesTokenNoneOfItsModules() throws Exception {
        hub.registerModule("plant-11", "thermometer");
        hub.registerModule("plant-11", "valve");
        DeviceIdentity device = hub.hub.identity().registry().findDevice("plant-11").orElseThrow();
        ModuleIdentity module = hub.hub.identity().registry().findModule("plant-11", "thermometer").orElseThrow();
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (RawAmqpDevices raw = new RawAmqpDevices(hub.hub);
             AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            try (RawAmqpDevices.Client client = raw.connect()) {
                // The device's token for the module's audience: refused on $cbs.
                assertThat(client.putToken(raw.audience("plant-11", "thermometer"), raw.token(device, 600))).isEqualTo(401);
                // The module's token under its device's audience, as the device SDK puts it: the module, not the device.
                assertThat(client.putToken(raw.audience("plant-11"), raw.token(module, 600))).isEqualTo(200);
                assertThat(client.attachSender("/devices/plant-11/messages/events").closedWith(5_000))
                        .isEqualTo("amqp:unauthorized-access");
                assertThat(client.attachSender("/devices/plant-11/modules/valve/messages/events").closedWith(5_000))
                        .isEqualTo("amqp:unauthorized-access");
                RawAmqpDevices.Link own = client.attachSender("/devices/plant-11/modules/thermometer/messages/events");
                assertThat(client.send(own, RawAmqpDevices.telemetry("from the module"))).isInstanceOf(Accepted.class);
            }
            try (RawAmqpDevices.Client client = raw.connect()) {
                assertThat(client.putToken(raw.audience("plant-11"), raw.token(device, 600))).isEqualTo(200);
                assertThat(client.attachSender("/devices/plant-11/modules/thermometer/messages/events").closedWith(5_000))
                        .isEqualTo("amqp:unauthorized-access");
            }
            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived.moduleId()).isEqualTo("thermometer");
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("from the module");
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("nothing else was taken").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void directMethodOnAModuleReachesThatModuleAndNotItsDevice(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("plant-7", protocol);
        hub.registerModule(deviceId, "valve");
        List<String> deviceCalls = new CopyOnWriteArrayList<>();
        hub.connectedDevice(deviceId, (name, payload, context) -> {
            deviceCalls.add(name);
            return new DirectMethodResponse(500, Map.of());
        });
        ModuleClient module = hub.module(deviceId, "valve", protocol);
        module.open(false);
        module.subscribeToMethods((name, payload, context) ->
                new DirectMethodResponse(200, Map.of("opened", payload.getPayloadAsJsonElement())), null);
        DirectMethodsClient methods = hub.methodsClient("service");

        var answer = methods.invoke(deviceId, "valve", "open",
                DirectMethodRequestOptions.builder().payload(Map.of("percent", 40)).build());

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().getAsJsonObject("opened").get("percent").getAsInt())
                .isEqualTo(40);
        assertThat(deviceCalls).isEmpty();
        // The device's own methods are still its own.
        assertThat(methods.invoke(deviceId, "open").getStatus()).isEqualTo(500);
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

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void disablingOrDeletingTheDeviceDropsItsModulesConnectionAndADisabledDevicesModuleIsRefused(IotHubClientProtocol protocol) throws Exception {
        String deviceId10 = TestHub.idFor("plant-10", protocol);
        String deviceId9 = TestHub.idFor("plant-9", protocol);
        hub.registerModule(deviceId9, "thermometer");
        ModuleClient module = hub.module(deviceId9, "thermometer", protocol);
        module.open(false);
        var device = registry.getDevice(deviceId9);
        device.setStatus(com.microsoft.azure.sdk.iot.service.registry.DeviceStatus.Disabled);

        registry.updateDevice(device);

        assertThat(registry.getModule(deviceId9, "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Disconnected);
        ModuleClient again = hub.module(deviceId9, "thermometer", protocol);
        assertThatThrownBy(() -> again.open(false)).isInstanceOf(IotHubClientException.class);

        hub.registerModule(deviceId10, "thermometer");
        hub.module(deviceId10, "thermometer", protocol).open(false);
        registry.removeDevice(deviceId10);
        hub.registerModule(deviceId10, "thermometer");

        assertThat(registry.getModule(deviceId10, "thermometer").getConnectionState())
                .isEqualTo(DeviceConnectionState.Disconnected);
    }
}
