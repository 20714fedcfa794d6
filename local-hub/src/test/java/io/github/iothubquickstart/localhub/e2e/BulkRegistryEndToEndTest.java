package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.ImportMode;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.AuthenticationTypeParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.ExportImportDeviceParser;
import com.microsoft.azure.sdk.iot.service.registry.serializers.SymmetricKeyParser;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IoT Hub's bulk registry operation ({@code POST /devices}), which the Node and .NET service SDKs call
 * addDevices / updateDevices / removeDevices. The Java SDK 2.1.9 has no such call, so the bodies are written by its
 * own import-shape serializer ({@code ExportImportDeviceParser}, import modes spelled as the SDK spells them) and the
 * results are read back through {@code RegistryClient} and {@code DeviceClient}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BulkRegistryEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;
    static ServiceHttp http;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        http = new ServiceHttp(hub);
    }

    @Test
    void bulkCreateRegistersEveryDeviceWithItsKeysAndStatus() throws Exception {
        SymmetricKey keys = new SymmetricKey();
        ExportImportDeviceParser first = entry("bulk-a", ImportMode.Create);
        first.setAuthentication(sas(keys));
        ExportImportDeviceParser second = entry("bulk-b", ImportMode.Create);
        second.setStatus(DeviceStatus.Disabled.toString());
        second.setStatusReason("not installed yet");

        HttpResponse<String> response = bulk(first, second, entry("bulk-c", ImportMode.Create));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonParser.parseString(response.body()))
                .isEqualTo(JsonParser.parseString("{\"isSuccessful\":true,\"errors\":[],\"warnings\":[]}"));
        assertThat(registry.getDevice("bulk-a").getPrimaryKey()).isEqualTo(keys.getPrimaryKey());
        Device disabled = registry.getDevice("bulk-b");
        assertThat(disabled.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(disabled.getStatusReason()).isEqualTo("not installed yet");
        assertThat(registry.getDevice("bulk-c").getPrimaryKey()).isNotBlank();
        DeviceClient device = hub.device("bulk-a");
        device.open(false);
        device.sendEvent(new Message("{}"));
    }

    @Test
    void eachDeviceIsAppliedOnItsOwnAndFailuresComeBackPerDevice() throws Exception {
        registry.addDevice(new Device("bulk-taken"));
        Device guarded = registry.addDevice(new Device("bulk-guarded"));
        Device changedSince = registry.getDevice("bulk-guarded");
        changedSince.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(changedSince);
        ExportImportDeviceParser staleUpdate = entry("bulk-guarded", ImportMode.UpdateIfMatchETag);
        staleUpdate.setETag(guarded.getETag());
        staleUpdate.setStatus(DeviceStatus.Enabled.toString());

        HttpResponse<String> response = bulk(entry("bulk-fresh", ImportMode.Create),
                entry("bulk-taken", ImportMode.Create), entry("bulk-missing", ImportMode.Delete), staleUpdate);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject result = JsonParser.parseString(response.body()).getAsJsonObject();
        assertThat(result.get("isSuccessful").getAsBoolean()).isFalse();
        assertThat(result.getAsJsonArray("warnings")).isEmpty();
        JsonArray errors = result.getAsJsonArray("errors");
        assertThat(errors.asList()).extracting(e -> e.getAsJsonObject().get("deviceId").getAsString()
                        + ":" + e.getAsJsonObject().get("errorCode").getAsString())
                .containsExactly("bulk-taken:DeviceAlreadyExists", "bulk-missing:DeviceNotFound",
                        "bulk-guarded:PreconditionFailed");
        assertThat(errors.get(0).getAsJsonObject().get("errorStatus").getAsString()).contains("bulk-taken");
        assertThat(registry.getDevice("bulk-fresh").getDeviceId()).isEqualTo("bulk-fresh");
        assertThat(registry.getDevice("bulk-guarded").getStatus()).isEqualTo(DeviceStatus.Disabled);
    }

    @Test
    void bulkUpdateAndDeleteChangeDevicesAndDropTheirConnections() throws Exception {
        registry.addDevice(new Device("bulk-disable-me"));
        Device toDelete = registry.addDevice(new Device("bulk-delete-me"));
        CountDownLatch disabledDropped = new CountDownLatch(1);
        CountDownLatch deletedDropped = new CountDownLatch(1);
        connectedWatching("bulk-disable-me", disabledDropped);
        connectedWatching("bulk-delete-me", deletedDropped);
        ExportImportDeviceParser disable = entry("bulk-disable-me", ImportMode.Update);
        disable.setStatus(DeviceStatus.Disabled.toString());
        ExportImportDeviceParser delete = entry("bulk-delete-me", ImportMode.DeleteIfMatchETag);
        delete.setETag(toDelete.getETag());

        HttpResponse<String> response = bulk(disable, delete);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(disabledDropped.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(deletedDropped.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.getDevice("bulk-disable-me").getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThatThrownBy(() -> registry.getDevice("bulk-delete-me")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void moreThanOneHundredDevicesAreRefusedWhole() throws Exception {
        List<ExportImportDeviceParser> devices = new ArrayList<>();
        IntStream.rangeClosed(1, 101).forEach(i -> devices.add(entry("bulk-many-" + i, ImportMode.Create)));

        HttpResponse<String> response = bulk(devices.toArray(ExportImportDeviceParser[]::new));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(errorCode(response)).isEqualTo(413002);
        assertThatThrownBy(() -> registry.getDevice("bulk-many-1")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void aDeviceNamedTwiceIsRefusedWhole() throws Exception {
        HttpResponse<String> response = bulk(entry("bulk-twice", ImportMode.Create),
                entry("bulk-once", ImportMode.Create), entry("bulk-twice", ImportMode.Delete));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo(400011);
        assertThatThrownBy(() -> registry.getDevice("bulk-once")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void bulkOperationsNeedRegistryWrite() throws Exception {
        HttpResponse<String> response = http.post("/devices",
                "[" + entry("bulk-read-only", ImportMode.Create).toJson() + "]", "registryRead");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> registry.getDevice("bulk-read-only")).isInstanceOf(IotHubNotFoundException.class);
    }

    /** As the SDK's own ExportImportDevice writes it: importMode by its Java name ("Create"), SAS authentication. */
    private static ExportImportDeviceParser entry(String deviceId, ImportMode mode) {
        ExportImportDeviceParser entry = new ExportImportDeviceParser();
        entry.setId(deviceId);
        entry.setImportMode(mode.toString());
        AuthenticationParser authentication = new AuthenticationParser();
        authentication.setType(AuthenticationTypeParser.SAS);
        entry.setAuthentication(authentication);
        return entry;
    }

    private static AuthenticationParser sas(SymmetricKey keys) {
        AuthenticationParser authentication = new AuthenticationParser();
        authentication.setType(AuthenticationTypeParser.SAS);
        authentication.setSymmetricKey(new SymmetricKeyParser(keys.getPrimaryKey(), keys.getSecondaryKey()));
        return authentication;
    }

    private static HttpResponse<String> bulk(ExportImportDeviceParser... devices) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (ExportImportDeviceParser device : devices) {
            body.append(body.length() > 1 ? "," : "").append(device.toJson());
        }
        return http.post("/devices", body.append(']').toString(), "registryReadWrite");
    }

    private static int errorCode(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get("errorCode").getAsInt();
    }

    private static void connectedWatching(String deviceId, CountDownLatch dropped) throws Exception {
        DeviceClient device = hub.device(deviceId);
        device.setRetryPolicy(new NoRetry());
        device.setConnectionStatusChangeCallback(change -> {
            if (change.getNewStatus() == IotHubConnectionStatus.DISCONNECTED) {
                dropped.countDown();
            }
        }, null);
        device.open(false);
        assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();
    }
}
