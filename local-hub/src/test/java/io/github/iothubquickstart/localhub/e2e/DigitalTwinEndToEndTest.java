package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.digitaltwin.DigitalTwinClient;
import com.microsoft.azure.sdk.iot.service.digitaltwin.UpdateOperationUtility;
import com.microsoft.azure.sdk.iot.service.digitaltwin.customized.DigitalTwinGetHeaders;
import com.microsoft.azure.sdk.iot.service.digitaltwin.models.DigitalTwinCommandResponse;
import com.microsoft.azure.sdk.iot.service.digitaltwin.models.DigitalTwinInvokeCommandHeaders;
import com.microsoft.azure.sdk.iot.service.digitaltwin.models.DigitalTwinInvokeCommandRequestOptions;
import com.microsoft.azure.sdk.iot.service.digitaltwin.models.DigitalTwinUpdateRequestOptions;
import com.microsoft.azure.sdk.iot.service.digitaltwin.serialization.BasicDigitalTwin;
import com.microsoft.azure.sdk.iot.service.digitaltwin.serialization.WritableProperty;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.rest.RestException;
import com.microsoft.rest.ServiceResponseWithHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
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
 * IoT Plug and Play through the unmodified SDKs: the model id a device or module announces (MQTT user name, AMQP link
 * property; each transport and its WebSocket variant) shows in its twin and in queries at once and survives a
 * reconnection without one; {@code DigitalTwinClient} reads the digital twin (model, properties, components,
 * writable-property metadata), patches it (the device gets the desired change, with the component marker) and invokes
 * root and component commands as direct methods; bad input gets IoT Hub's 400s.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DigitalTwinEndToEndTest {
    static final String THERMOSTAT = "dtmi:com:example:Thermostat;1";
    static final String TEMPERATURE_CONTROLLER = "dtmi:com:example:TemperatureController;1";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static TwinClient twins;
    static QueryClient queries;
    static DigitalTwinClient digitalTwins;
    static ServiceHttp http;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        twins = hub.twinClient("service");
        queries = hub.queryClient("service");
        digitalTwins = DigitalTwinClients.forHub(hub, "service", hub.dataDirectory());
        http = new ServiceHttp(hub);
    }

    @AfterEach
    void closeClients() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
        clients.clear();
    }

    private DeviceClient pnpDevice(String deviceId, IotHubClientProtocol protocol, String modelId) {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder().sslContext(hub.trustHubCa);
        if (modelId != null) {
            options.modelId(modelId);
        }
        DeviceClient client = new DeviceClient(hub.hub.deviceConnectionString(deviceId), protocol, options.build());
        clients.add(client::close);
        return client;
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void theAnnouncedModelIdIsInTheTwinAndQueriesAsSoonAsTheDeviceIsOpen(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("thermostat", protocol));
        assertThat(twins.get(deviceId).getModelId()).as("before any connection").isEmpty();

        DeviceClient device = pnpDevice(deviceId, protocol, THERMOSTAT);
        device.open(false);

        assertThat(twins.get(deviceId).getModelId()).isEqualTo(THERMOSTAT);
        TwinQueryResponse found = queries.queryTwins("SELECT * FROM devices WHERE modelId = '" + THERMOSTAT
                + "' AND deviceId = '" + deviceId + "'");
        assertThat(found.hasNext()).isTrue();
        assertThat(found.next().getModelId()).isEqualTo(THERMOSTAT);
        assertThat(digitalTwins.getDigitalTwin(deviceId, BasicDigitalTwin.class).getMetadata().getModelId())
                .isEqualTo(THERMOSTAT);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aReconnectionWithoutAModelIdKeepsTheLastOneAndAnotherModelReplacesIt(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("reconnecting", protocol));
        DeviceClient first = pnpDevice(deviceId, protocol, THERMOSTAT);
        first.open(false);
        first.close();

        DeviceClient withoutModel = pnpDevice(deviceId, protocol, null);
        withoutModel.open(false);
        assertThat(twins.get(deviceId).getModelId()).isEqualTo(THERMOSTAT);
        withoutModel.close();

        DeviceClient upgraded = pnpDevice(deviceId, protocol, TEMPERATURE_CONTROLLER);
        upgraded.open(false);
        assertThat(twins.get(deviceId).getModelId()).isEqualTo(TEMPERATURE_CONTROLLER);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aModelIdThatIsNoDtmiIsRefusedAndNothingIsKept(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("misnamed", protocol));
        DeviceClient device = pnpDevice(deviceId, protocol, "com.example.Thermostat");

        assertThatThrownBy(() -> device.open(false)).isInstanceOf(IotHubClientException.class);
        assertThat(twins.get(deviceId).getModelId()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aModuleAnnouncesItsOwnModel(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("gateway", protocol);
        hub.registerModule(deviceId, "sensor");
        ModuleClient module = new ModuleClient(hub.hub.moduleConnectionString(deviceId, "sensor"), protocol,
                ClientOptions.builder().sslContext(hub.trustHubCa).modelId(THERMOSTAT).build());
        clients.add(module::close);
        module.open(false);

        assertThat(twins.get(deviceId, "sensor").getModelId()).isEqualTo(THERMOSTAT);
        assertThat(twins.get(deviceId).getModelId()).as("the device's own twin").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void theDigitalTwinShowsPropertiesComponentsAndWritablePropertyState(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("controller", protocol));
        DeviceClient device = pnpDevice(deviceId, protocol, TEMPERATURE_CONTROLLER);
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> { }, null);
        TwinCollection reported = new TwinCollection();
        reported.put("serialNumber", "SN-42");
        reported.put("thermostat1", Map.of("__t", "c", "maxTempSinceLastReboot", 31.5,
                "targetTemperature", Map.of("value", 21.0, "ac", 200, "av", 2, "ad", "done")));
        TwinRequests.updateReportedProperties(device, reported);

        ServiceResponseWithHeaders<String, DigitalTwinGetHeaders> read =
                digitalTwins.getDigitalTwinWithResponse(deviceId, String.class);
        JsonObject digitalTwin = JsonParser.parseString(read.body()).getAsJsonObject();

        assertThat(read.headers().eTag()).isEqualTo(twins.get(deviceId).getETag());
        assertThat(digitalTwin.get("$dtId").getAsString()).isEqualTo(deviceId);
        assertThat(digitalTwin.get("serialNumber").getAsString()).isEqualTo("SN-42");
        assertThat(digitalTwin.getAsJsonObject("$metadata").get("$model").getAsString())
                .isEqualTo(TEMPERATURE_CONTROLLER);
        assertThat(digitalTwin.getAsJsonObject("$metadata").getAsJsonObject("serialNumber").has("lastUpdateTime"))
                .isTrue();
        JsonObject thermostat = digitalTwin.getAsJsonObject("thermostat1");
        assertThat(thermostat.has("__t")).as("the component marker is the twin's, not the digital twin's").isFalse();
        assertThat(thermostat.get("maxTempSinceLastReboot").getAsDouble()).isEqualTo(31.5);
        assertThat(thermostat.get("targetTemperature").getAsDouble()).as("the acknowledged value").isEqualTo(21.0);
        JsonObject target = thermostat.getAsJsonObject("$metadata").getAsJsonObject("targetTemperature");
        assertThat(target.get("ackCode").getAsInt()).isEqualTo(200);
        assertThat(target.get("ackVersion").getAsInt()).isEqualTo(2);
        assertThat(target.get("ackDescription").getAsString()).isEqualTo("done");
        // The SDK's own model reads the same answer.
        BasicDigitalTwin typed = digitalTwins.getDigitalTwin(deviceId, BasicDigitalTwin.class);
        assertThat(typed.getId()).isEqualTo(deviceId);
        assertThat(typed.getCustomProperties()).containsKeys("serialNumber", "thermostat1");
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aDigitalTwinPatchReachesTheDeviceAsADesiredChange(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("patched", protocol));
        DeviceClient device = pnpDevice(deviceId, protocol, TEMPERATURE_CONTROLLER);
        device.open(false);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> pushed = new LinkedBlockingQueue<>();
        device.subscribeToDesiredProperties((twin, context) -> pushed.add(twin), null);
        String etag = digitalTwins.getDigitalTwinWithResponse(deviceId, BasicDigitalTwin.class).headers().eTag();

        Map<String, Object> component = new HashMap<>();
        component.put("targetTemperature", 23);
        DigitalTwinUpdateRequestOptions ifMatch = new DigitalTwinUpdateRequestOptions();
        ifMatch.setIfMatch(etag);
        var updated = digitalTwins.updateDigitalTwinWithResponse(deviceId, new UpdateOperationUtility()
                .appendAddComponentOperation("/thermostat1", component)
                .appendAddPropertyOperation("/telemetryInterval", 5)
                .getUpdateOperations(), ifMatch);

        com.microsoft.azure.sdk.iot.device.twin.Twin change = pushed.poll(20, TimeUnit.SECONDS);
        assertThat(change).as("the desired change pushed to the device").isNotNull();
        assertThat(change.getDesiredProperties().get("telemetryInterval")).isEqualTo(5L);
        @SuppressWarnings("unchecked")
        Map<String, Object> thermostat = (Map<String, Object>) change.getDesiredProperties().get("thermostat1");
        assertThat(thermostat).containsEntry("__t", "c").containsEntry("targetTemperature", 23L);
        assertThat(updated.headers().eTag()).isEqualTo(twins.get(deviceId).getETag());

        BasicDigitalTwin after = digitalTwins.getDigitalTwin(deviceId, BasicDigitalTwin.class);
        assertThat(after.getCustomProperties()).containsKey("thermostat1");
        WritableProperty interval = after.getMetadata().getWriteableProperties().get("telemetryInterval");
        assertThat(interval.getDesiredValue()).isEqualTo(5);
        assertThat(interval.getDesiredVersion()).isEqualTo(twins.get(deviceId).getDesiredProperties().getVersion());

        // The ETag read before the update is stale now: IoT Hub's 412.
        assertThatThrownBy(() -> digitalTwins.updateDigitalTwinWithResponse(deviceId, new UpdateOperationUtility()
                .appendReplacePropertyOperation("/telemetryInterval", 6).getUpdateOperations(), ifMatch))
                .isInstanceOfSatisfying(RestException.class,
                        e -> assertThat(e.response().code()).isEqualTo(412));
    }

    @Test
    void removingAComponentPropertyAndReplacingAPropertyChangeTheDesiredProperties() throws Exception {
        String deviceId = hub.registerDevice("remover");
        DeviceClient device = pnpDevice(deviceId, IotHubClientProtocol.MQTT, TEMPERATURE_CONTROLLER);
        device.open(false);
        Map<String, Object> component = new HashMap<>();
        component.put("targetTemperature", 23);
        component.put("mode", "eco");
        digitalTwins.updateDigitalTwin(deviceId, new UpdateOperationUtility()
                .appendAddComponentOperation("/thermostat1", component)
                .appendAddPropertyOperation("/telemetryInterval", 5).getUpdateOperations());

        digitalTwins.updateDigitalTwin(deviceId, new UpdateOperationUtility()
                .appendRemovePropertyOperation("/thermostat1/mode")
                .appendReplacePropertyOperation("/telemetryInterval", 9).getUpdateOperations());

        Twin twin = twins.get(deviceId);
        @SuppressWarnings("unchecked")
        Map<String, Object> thermostat = (Map<String, Object>) twin.getDesiredProperties().get("thermostat1");
        assertThat(thermostat).containsEntry("__t", "c").containsKey("targetTemperature").doesNotContainKey("mode");
        assertThat(twin.getDesiredProperties().get("telemetryInterval")).isEqualTo(9L);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void commandsAreDirectMethodsNamedAsIotHubNamesThem(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("commanded", protocol));
        DeviceClient device = pnpDevice(deviceId, protocol, TEMPERATURE_CONTROLLER);
        device.open(false);
        BlockingQueue<String> invoked = new LinkedBlockingQueue<>();
        device.subscribeToMethods((name, payload, context) -> {
            invoked.add(name + " " + payload.getPayloadAsJsonString());
            return new DirectMethodResponse(name.startsWith("thermostat1*") ? 200 : 202,
                    Map.of("answeredBy", name));
        }, null);
        DigitalTwinInvokeCommandRequestOptions timeouts = new DigitalTwinInvokeCommandRequestOptions();
        timeouts.setConnectTimeoutInSeconds(5);
        timeouts.setResponseTimeoutInSeconds(10);

        ServiceResponseWithHeaders<DigitalTwinCommandResponse, DigitalTwinInvokeCommandHeaders> root =
                digitalTwins.invokeCommandWithResponse(deviceId, "reboot", "{\"delay\":3}", timeouts);
        DigitalTwinCommandResponse component = digitalTwins.invokeComponentCommand(deviceId, "thermostat1",
                "getMaxMinReport", "\"2024-01-01T00:00:00Z\"");

        assertThat(invoked.poll(5, TimeUnit.SECONDS)).isEqualTo("reboot {\"delay\":3}");
        assertThat(invoked.poll(5, TimeUnit.SECONDS)).isEqualTo("thermostat1*getMaxMinReport \"2024-01-01T00:00:00Z\"");
        assertThat(root.body().getStatus()).isEqualTo(202);
        assertThat(JsonParser.parseString(root.body().getPayloadAsJsonElement().getAsString()).getAsJsonObject()
                .get("answeredBy").getAsString()).isEqualTo("reboot");
        assertThat(root.headers().getRequestId()).isNotBlank();
        assertThat(component.getStatus()).isEqualTo(200);
        assertThat(JsonParser.parseString(component.getPayloadAsJsonElement().getAsString()).getAsJsonObject()
                .get("answeredBy").getAsString()).isEqualTo("thermostat1*getMaxMinReport");
    }

    @Test
    void aCommandToADeviceThatIsNotConnectedFailsAsADirectMethodDoes() throws Exception {
        String deviceId = hub.registerDevice("offline");
        DeviceClient device = pnpDevice(deviceId, IotHubClientProtocol.MQTT, THERMOSTAT);
        device.open(false);
        device.close();

        assertThatThrownBy(() -> digitalTwins.invokeCommand(deviceId, "reboot"))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(404);
                    assertThat(errorCode(e)).isEqualTo(404103);
                });
    }

    @Test
    void aDeviceWithoutAModelHasNoDigitalTwin() throws Exception {
        String deviceId = hub.registerDevice("plain");

        assertThatThrownBy(() -> digitalTwins.getDigitalTwin(deviceId, BasicDigitalTwin.class))
                .isInstanceOfSatisfying(RestException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(400);
                    assertThat(errorMessage(e)).contains("IoT Plug and Play model");
                });
        // The SDK's REST client answers a GET's 404 with null rather than an exception.
        assertThat(digitalTwins.getDigitalTwin("nobody", BasicDigitalTwin.class)).isNull();
        assertThat(http.get("/digitaltwins/nobody", "service").statusCode()).isEqualTo(404);
    }

    @Test
    void badPatchesAreRefusedWithIotHubErrorsAndChangeNothing() throws Exception {
        String deviceId = hub.registerDevice("guarded");
        DeviceClient device = pnpDevice(deviceId, IotHubClientProtocol.MQTT, THERMOSTAT);
        device.open(false);
        String etag = twins.get(deviceId).getETag();
        String path = "/digitaltwins/" + deviceId;

        assertRefused(http.patch(path, "[{\"op\":\"add\",\"path\":\"/x\",\"value\":1", "service"), 400006, "not JSON");
        assertRefused(http.patch(path, "{\"op\":\"add\"}", "service"), 400006, "JSON Patch array");
        assertRefused(http.patch(path, "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b\"}]", "service"),
                400004, "add, replace and remove");
        assertRefused(http.patch(path, "[{\"op\":\"add\",\"path\":\"/nowhere/targetTemperature\",\"value\":1}]",
                "service"), 400004, "no component or property");
        assertRefused(http.patch(path, "[{\"op\":\"add\",\"path\":\"/$metadata/x\",\"value\":1}]", "service"),
                400004, "not a property");
        assertRefused(http.patch(path, "[{\"op\":\"replace\",\"path\":\"/absent\",\"value\":1}]", "service"),
                400004, "to exist");
        assertRefused(http.patch(path, "[{\"op\":\"add\",\"path\":\"\",\"value\":{}}]", "service"),
                400004, "whole digital twin");
        assertRefused(http.patch(path, "[{\"op\":\"add\",\"path\":\"/ok\",\"value\":1},"
                + "{\"op\":\"remove\",\"path\":\"/gone\"}]", "service"), 400004, "to exist");

        assertThat(twins.get(deviceId).getETag()).as("no refused patch changed the twin").isEqualTo(etag);
        assertThat(twins.get(deviceId).getDesiredProperties()).isEmpty();
    }

    private static void assertRefused(HttpResponse<String> response, int errorCode, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(body.get("errorCode").getAsInt()).as(response.body()).isEqualTo(errorCode);
        assertThat(body.get("message").getAsString()).contains(messagePart);
    }

    private static int errorCode(RestException e) {
        return errorBody(e).get("errorCode").getAsInt();
    }

    private static String errorMessage(RestException e) {
        return errorBody(e).get("message").getAsString();
    }

    /** The hub's error body: the SDK's RestException message is "Status code 400, {body}". */
    private static JsonObject errorBody(RestException e) {
        String message = e.getMessage();
        return JsonParser.parseString(message.substring(message.indexOf('{'))).getAsJsonObject();
    }
}
