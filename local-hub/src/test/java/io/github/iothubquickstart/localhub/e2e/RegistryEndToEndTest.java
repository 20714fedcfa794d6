package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry REST API through the real service SDK's RegistryClient (and raw HTTPS where the SDK has no call). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
    }

    @Test
    void createdDeviceCanConnectWithTheKeysTheSdkChose() throws Exception {
        Device created = registry.addDevice(new Device("sdk-made"));

        assertThat(created.getDeviceId()).isEqualTo("sdk-made");
        assertThat(created.getStatus()).isEqualTo(DeviceStatus.Enabled);
        assertThat(created.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(created.getETag()).isNotBlank();
        Device read = registry.getDevice("sdk-made");
        assertThat(read.getPrimaryKey()).isEqualTo(created.getPrimaryKey());
        DeviceClient device = hub.device("sdk-made");
        device.open(false);
        device.sendEvent(new com.microsoft.azure.sdk.iot.device.Message("{}"));

        Device connected = registry.getDevice("sdk-made");
        assertThat(connected.getConnectionState()).isEqualTo(DeviceConnectionState.Connected);
        assertThat(connected.getLastActivityTime()).isGreaterThan("2020");
        assertThat(connected.getConnectionStateUpdatedTime()).isGreaterThan("2020");
    }

    @Test
    void keysAreGeneratedWhenTheRequestHasNone() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/devices/node-style"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"node-style\"}")), "registryReadWrite");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject keys = JsonParser.parseString(response.body()).getAsJsonObject()
                .getAsJsonObject("authentication").getAsJsonObject("symmetricKey");
        assertThat(Base64.getDecoder().decode(keys.get("primaryKey").getAsString())).hasSize(32);
        assertThat(keys.get("secondaryKey").getAsString()).isNotEqualTo(keys.get("primaryKey").getAsString());
        assertThat(registry.getDevice("node-style").getPrimaryKey()).isEqualTo(keys.get("primaryKey").getAsString());
    }

    @Test
    void listShowsRegisteredDevicesAndHonoursTop() throws Exception {
        registry.addDevice(new Device("listed-1"));
        registry.addDevice(new Device("listed-2"));

        HttpResponse<String> all = send(HttpRequest.newBuilder(uri("/devices")).GET(), "registryRead");
        HttpResponse<String> one = send(HttpRequest.newBuilder(uri("/devices", "&top=1")).GET(), "registryRead");

        assertThat(all.statusCode()).isEqualTo(200);
        JsonArray devices = JsonParser.parseString(all.body()).getAsJsonArray();
        assertThat(devices.asList()).extracting(d -> d.getAsJsonObject().get("deviceId").getAsString())
                .contains("MyJavaDevice", "listed-1", "listed-2");
        assertThat(JsonParser.parseString(one.body()).getAsJsonArray()).hasSize(1);
    }

    @Test
    void creatingAnExistingDeviceIsAConflict() throws Exception {
        registry.addDevice(new Device("taken"));

        assertThatThrownBy(() -> registry.addDevice(new Device("taken")))
                .isInstanceOf(IotHubConflictException.class)
                .hasMessageContaining("409001");
    }

    @Test
    void unknownDeviceIsNotFound() {
        assertThatThrownBy(() -> registry.getDevice("nobody"))
                .isInstanceOf(IotHubNotFoundException.class)
                .hasMessageContaining("404001");
        assertThatThrownBy(() -> registry.removeDevice("nobody"))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void updateWithAStaleEtagFailsWith412AndChangesNothing() throws Exception {
        Device original = registry.addDevice(new Device("etag-device"));
        Device changed = registry.getDevice("etag-device");
        changed.setStatus(DeviceStatus.Disabled);
        Device updated = registry.updateDevice(changed);
        assertThat(updated.getETag()).isNotEqualTo(original.getETag());
        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);

        HttpResponse<String> stale = send(HttpRequest.newBuilder(uri("/devices/etag-device"))
                .header("If-Match", "\"" + original.getETag() + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"deviceId\":\"etag-device\",\"status\":\"enabled\",\"statusReason\":\"late\"}")),
                "registryReadWrite");
        HttpResponse<String> current = send(HttpRequest.newBuilder(uri("/devices/etag-device"))
                .header("If-Match", "\"" + updated.getETag() + "\"")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"deviceId\":\"etag-device\",\"status\":\"disabled\",\"statusReason\":\"maintenance\"}")),
                "registryReadWrite");

        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.body()).contains("412001");
        assertThat(current.statusCode()).isEqualTo(200);
        Device afterBoth = registry.getDevice("etag-device");
        assertThat(afterBoth.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(afterBoth.getStatusReason()).isEqualTo("maintenance");
        assertThat(afterBoth.getPrimaryKey()).isEqualTo(original.getPrimaryKey());
        updated = afterBoth;
        assertThatThrownBy(() -> registry.removeDevice(original))
                .isInstanceOf(IotHubPreconditionFailedException.class);
        registry.removeDevice(updated);
        assertThatThrownBy(() -> registry.getDevice("etag-device")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void disablingDropsTheConnectionAndRefusesTheNextOne() throws Exception {
        registry.addDevice(new Device("to-disable"));
        DeviceClient device = hub.device("to-disable");
        CountDownLatch dropped = new CountDownLatch(1);
        device.setRetryPolicy(new NoRetry());
        device.setConnectionStatusChangeCallback(change -> {
            if (change.getNewStatus() == IotHubConnectionStatus.DISCONNECTED) {
                dropped.countDown();
            }
        }, null);
        device.open(false);
        assertThat(hub.hub.isDeviceConnected("to-disable")).isTrue();

        Device disabled = registry.getDevice("to-disable");
        disabled.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(disabled);

        assertThat(dropped.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.hub.isDeviceConnected("to-disable")).isFalse();
        DeviceClient again = hub.device("to-disable");
        assertThatThrownBy(() -> again.open(false)).isInstanceOf(IotHubClientException.class);
        assertThat(registry.getDevice("to-disable").getStatus()).isEqualTo(DeviceStatus.Disabled);
    }

    @Test
    void readOnlyPolicyMayReadButNotWrite() throws Exception {
        RegistryClient readOnly = hub.registryClient("registryRead");

        assertThat(readOnly.getDevice("MyJavaDevice").getDeviceId()).isEqualTo("MyJavaDevice");
        assertThatThrownBy(() -> readOnly.addDevice(new Device("not-allowed")))
                .isInstanceOf(IotHubUnauthorizedException.class);
        assertThatThrownBy(() -> hub.registryClient("service").getDevice("MyJavaDevice"))
                .isInstanceOf(IotHubUnauthorizedException.class);
        assertThatThrownBy(() -> registry.getDevice("not-allowed")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void malformedBodyIsA400InIotHubShape() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/devices/bad-body"))
                .PUT(HttpRequest.BodyPublishers.ofString("[1,2]")), "registryReadWrite");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("errorCode").getAsInt())
                .isEqualTo(400006);
    }

    private static URI uri(String path) {
        return uri(path, "");
    }

    private static URI uri(String path, String query) {
        return URI.create("https://" + hub.hub.serviceHost() + path + "?api-version=2021-04-12" + query);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String policy) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(hub.trustHubCa)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(request.header("Authorization", hub.sasToken(policy))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
