package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubExceptionManager;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.ImportMode;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationTypeParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.ExportImportDeviceParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.SymmetricKeyParser;
import com.microsoft.azure.sdk.iot.service.transport.TransportUtils;
import com.microsoft.azure.sdk.iot.service.transport.http.HttpMethod;
import com.microsoft.azure.sdk.iot.service.transport.http.HttpRequest;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Modules in IoT Hub's bulk registry operation ({@code POST /devices}), made as the Azure SDK's own end-to-end suites
 * make their test modules (iot-e2e-tests' {@code Tools.addDevices} then {@code Tools.addModules}: the SDK's
 * {@code ExportImportDeviceParser} entries with client-generated SAS keys, sent by the SDK's own {@code HttpRequest}
 * to {@code /devices/}), then used by the real ModuleClient on each transport (telemetry, and its own twin as the
 * service set it) and deleted in bulk while connected.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BulkModulesEndToEndTest {
    // One address for MQTT (8883), AMQPS (5671) and both WebSocket protocols (443), the ports the SDK fixes.
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static RegistryClient registry;
    static ServiceHttp http;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        http = new ServiceHttp(hub);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aModuleMadeInBulkSendsTelemetryWithItsOwnKeyAndABulkDeleteDropsIt(IotHubClientProtocol protocol)
            throws Exception {
        Device device = new Device(TestHub.idFor("bulk-plant", protocol));
        Module module = new Module(device.getDeviceId(), "test-module-" + protocol.name().toLowerCase(), AuthenticationType.SAS);
        addDevices(List.of(device));
        addModules(List.of(module));
        assertThat(registry.getModule(device.getDeviceId(), module.getId()).getPrimaryKey())
                .isEqualTo(module.getPrimaryKey());
        Twin desired = new Twin(device.getDeviceId(), module.getId());
        desired.getDesiredProperties().put("interval", 5);
        hub.twinClient("service").patch(desired);

        ModuleClient client = hub.moduleWithConnectionString("HostName=" + hub.hub.hostName() + ";DeviceId="
                + device.getDeviceId() + ";ModuleId=" + module.getId() + ";SharedAccessKey=" + module.getPrimaryKey(),
                protocol);
        CountDownLatch dropped = droppedLatch(client);
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            client.open(false);
            client.sendEvent(new Message("{\"made\":\"in bulk\"}"));

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(device.getDeviceId());
            assertThat(arrived.moduleId()).isEqualTo(module.getId());
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"made\":\"in bulk\"}");
        }
        client.subscribeToDesiredProperties((twin, context) -> { }, null);
        var ownTwin = TwinRequests.getTwin(client);
        assertThat(((Number) ownTwin.getDesiredProperties().get("interval")).intValue()).isEqualTo(5);

        ExportImportDeviceParser delete = entry(device.getDeviceId(), module.getId(), ImportMode.Delete);
        bulkRegistryOperation("[" + delete.toJson() + "]");

        assertThat(dropped.await(20, TimeUnit.SECONDS)).as("the module's connection is dropped").isTrue();
        assertThatThrownBy(() -> registry.getModule(device.getDeviceId(), module.getId()))
                .isInstanceOf(IotHubNotFoundException.class);
        assertThat(registry.getDevice(device.getDeviceId()).getDeviceId()).isEqualTo(device.getDeviceId());
    }

    @Test
    void aDeviceAndItsModulesInOneCallWithErrorsPerModuleAndANewKeyDropsTheModule() throws Exception {
        registry.addDevice(new Device("bulk-existing"));
        registry.addModule(new Module("bulk-existing", "taken"));
        Module rekeyed = registry.addModule(new Module("bulk-existing", "rekeyed"));
        ModuleClient client = hub.module("bulk-existing", "rekeyed", IotHubClientProtocol.MQTT);
        CountDownLatch dropped = droppedLatch(client);
        client.open(false);
        ExportImportDeviceParser newKeys = entry("bulk-existing", "rekeyed", ImportMode.UpdateIfMatchETag);
        newKeys.setETag(rekeyed.getETag());
        SymmetricKey keys = new SymmetricKey();
        newKeys.getAuthentication().setSymmetricKey(new SymmetricKeyParser(keys.getPrimaryKey(), keys.getSecondaryKey()));

        HttpResponseBody response = bulk(entry("bulk-new", null, ImportMode.Create),
                entry("bulk-new", "edge-agent", ImportMode.Create), entry("bulk-existing", "taken", ImportMode.Create),
                entry("bulk-nobody", "m", ImportMode.Create), entry("bulk-existing", "missing", ImportMode.Delete),
                newKeys);

        assertThat(response.status()).isEqualTo(400);
        JsonArray errors = response.json().getAsJsonArray("errors");
        assertThat(errors.asList()).extracting(e -> e.getAsJsonObject().get("deviceId").getAsString() + "/"
                        + e.getAsJsonObject().get("moduleId").getAsString() + ":"
                        + e.getAsJsonObject().get("errorCode").getAsString())
                .containsExactly("bulk-existing/taken:ModuleAlreadyExistsOnDevice", "bulk-nobody/m:DeviceNotFound",
                        "bulk-existing/missing:ModuleNotFound");
        assertThat(registry.getModule("bulk-new", "edge-agent").getPrimaryKey()).isNotBlank();
        assertThat(registry.getModule("bulk-existing", "rekeyed").getPrimaryKey()).isEqualTo(keys.getPrimaryKey());
        assertThat(dropped.await(20, TimeUnit.SECONDS)).as("the re-keyed module's connection is dropped").isTrue();
    }

    @Test
    void aModuleNamedTwiceIsRefusedWhole() throws Exception {
        HttpResponseBody response = bulk(entry("bulk-twice", null, ImportMode.Create),
                entry("bulk-twice", "m", ImportMode.Create), entry("bulk-twice", "m", ImportMode.Delete));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errorCode").getAsInt()).isEqualTo(400011);
        assertThatThrownBy(() -> registry.getDevice("bulk-twice")).isInstanceOf(IotHubNotFoundException.class);
    }

    /** As iot-e2e-tests' {@code Tools.addDevices}: each device with its SAS keys, importMode "create". */
    private static void addDevices(List<Device> devices) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (Device device : devices) {
            ExportImportDeviceParser entry = new ExportImportDeviceParser();
            entry.setId(device.getDeviceId());
            entry.setAuthentication(sas(device.getPrimaryKey(), device.getSecondaryKey()));
            entry.setImportMode("create");
            body.append(body.length() > 1 ? "," : "").append(entry.toJson());
        }
        bulkRegistryOperation(body.append(']').toString());
    }

    /** As iot-e2e-tests' {@code Tools.addModules}: the device id, the module id, its SAS keys, importMode "create". */
    private static void addModules(List<Module> modules) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (Module module : modules) {
            ExportImportDeviceParser entry = new ExportImportDeviceParser();
            entry.setId(module.getDeviceId());
            entry.setModuleId(module.getId());
            entry.setAuthentication(sas(module.getPrimaryKey(), module.getSecondaryKey()));
            entry.setImportMode("create");
            body.append(body.length() > 1 ? "," : "").append(entry.toJson());
        }
        bulkRegistryOperation(body.append(']').toString());
    }

    /** As iot-e2e-tests' {@code Tools.bulkRegistryOperation}: the SDK's HttpRequest, its exception mapping. */
    private static void bulkRegistryOperation(String body) throws Exception {
        URL url = new URL("https://" + hub.hub.serviceHost() + "/devices/?api-version="
                + TransportUtils.IOTHUB_API_VERSION);
        HttpRequest request = new HttpRequest(url, HttpMethod.POST, body.getBytes(StandardCharsets.UTF_8),
                hub.sasToken("registryReadWrite"));
        request.setReadTimeoutSeconds(10);
        IotHubExceptionManager.httpResponseVerification(request.send());
    }

    /** As the SDK's ExportImportDevice writes it: importMode by its Java name ("Create"), SAS authentication. */
    private static ExportImportDeviceParser entry(String deviceId, String moduleId, ImportMode mode) {
        ExportImportDeviceParser entry = new ExportImportDeviceParser();
        entry.setId(deviceId);
        entry.setModuleId(moduleId);
        entry.setImportMode(mode.toString());
        entry.setAuthentication(sas(null, null));
        return entry;
    }

    private static AuthenticationParser sas(String primaryKey, String secondaryKey) {
        AuthenticationParser authentication = new AuthenticationParser();
        authentication.setType(AuthenticationTypeParser.SAS);
        if (primaryKey != null) {
            authentication.setSymmetricKey(new SymmetricKeyParser(primaryKey, secondaryKey));
        }
        return authentication;
    }

    private record HttpResponseBody(int status, JsonObject json) {
    }

    /** The raw answer, to read the per-entry errors the SDK's HttpRequest would only raise as one exception. */
    private static HttpResponseBody bulk(ExportImportDeviceParser... entries) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (ExportImportDeviceParser entry : entries) {
            body.append(body.length() > 1 ? "," : "").append(entry.toJson());
        }
        var response = http.post("/devices", body.append(']').toString(), "registryReadWrite");
        return new HttpResponseBody(response.statusCode(), JsonParser.parseString(response.body()).getAsJsonObject());
    }

    private static CountDownLatch droppedLatch(ModuleClient client) {
        CountDownLatch dropped = new CountDownLatch(1);
        client.setRetryPolicy(new NoRetry());
        client.setConnectionStatusChangeCallback(change -> {
            if (change.getNewStatus() == IotHubConnectionStatus.DISCONNECTED) {
                dropped.countDown();
            }
        }, null);
        return dropped;
    }
}
