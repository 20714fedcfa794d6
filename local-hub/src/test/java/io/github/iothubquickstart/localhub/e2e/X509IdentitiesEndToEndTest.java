package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * X.509 identities (selfSigned with thumbprints, certificateAuthority) through the real RegistryClient: stored, read
 * back, listed, updated and removed in IoT Hub's JSON shape. Certificate authentication is not offered yet (issue
 * 20), and a SAS token never logs such an identity in, on any transport.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class X509IdentitiesEndToEndTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 5671, WebSocketPort.PORT);
    private static final String SHA1_A = "0000000000000000000000000000000000000000";
    private static final String SHA1_B = "1111111111111111111111111111111111111111";
    private static final String SHA256_A = "AB".repeat(32);
    private static final String SHA256_B = "cd".repeat(32);

    @TempDir
    static Path dataDirectory;
    static TestHub hub;
    static RegistryClient registry;
    static ServiceHttp http;

    @BeforeAll
    static void startHub() {
        hub = new TestHub(LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).httpsPort(0)
                .webSocketPort(WebSocketPort.PORT));
        WebSocketPort.requireListening(hub);
        registry = hub.registryClient("registryReadWrite");
        http = new ServiceHttp(hub);
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @Test
    void selfSignedDeviceIsAddedReadListedUpdatedAndRemoved() throws Exception {
        Device device = new Device("x509-camera", AuthenticationType.SELF_SIGNED);
        device.setThumbprint(SHA1_A, SHA1_B);

        Device added = registry.addDevice(device);

        assertThat(added.getAuthenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(added.getPrimaryThumbprint()).isEqualTo(SHA1_A);
        assertThat(added.getSecondaryThumbprint()).isEqualTo(SHA1_B);
        assertThat(added.getSymmetricKey()).isNull();
        Device read = registry.getDevice("x509-camera");
        assertThat(read.getAuthenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(read.getPrimaryThumbprint()).isEqualTo(SHA1_A);
        assertThat(read.getETag()).isEqualTo(added.getETag());

        JsonObject listed = listedDevice("x509-camera");
        assertThat(listed.get("authentication")).isEqualTo(JsonParser.parseString("{\"symmetricKey\":"
                + "{\"primaryKey\":null,\"secondaryKey\":null},\"x509Thumbprint\":{\"primaryThumbprint\":\""
                + SHA1_A + "\",\"secondaryThumbprint\":\"" + SHA1_B + "\"},\"type\":\"selfSigned\"}"));

        JsonObject twin = JsonParser.parseString(http.get("/twins/x509-camera", "service").body()).getAsJsonObject();
        assertThat(twin.get("authenticationType").getAsString()).isEqualTo("selfSigned");
        assertThat(twin.get("x509Thumbprint")).isEqualTo(JsonParser.parseString(
                "{\"primaryThumbprint\":\"" + SHA1_A + "\",\"secondaryThumbprint\":\"" + SHA1_B + "\"}"));
        HttpResponse<String> query = http.post("/devices/query",
                "{\"query\":\"SELECT * FROM devices WHERE authenticationType = 'selfSigned'\"}", "service");
        assertThat(JsonParser.parseString(query.body()).getAsJsonArray().asList())
                .extracting(element -> element.getAsJsonObject().get("deviceId").getAsString())
                .contains("x509-camera").doesNotContain("MyJavaDevice");

        read.setThumbprint(SHA256_A, SHA256_B);
        Device updated = registry.updateDevice(read);
        assertThat(updated.getPrimaryThumbprint()).isEqualTo(SHA256_A);
        assertThat(registry.getDevice("x509-camera").getSecondaryThumbprint()).isEqualTo(SHA256_B);
        assertThat(updated.getETag()).isNotEqualTo(added.getETag());

        registry.removeDevice("x509-camera");
        assertThatThrownBy(() -> registry.getDevice("x509-camera")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void certificateAuthorityDeviceHasNeitherKeysNorThumbprints() throws Exception {
        registry.addDevice(new Device("x509-ca-meter", AuthenticationType.CERTIFICATE_AUTHORITY));

        Device read = registry.getDevice("x509-ca-meter");

        assertThat(read.getAuthenticationType()).isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
        assertThat(read.getPrimaryThumbprint()).isNull();
        assertThat(listedDevice("x509-ca-meter").getAsJsonObject("authentication").get("type").getAsString())
                .isEqualTo("certificateAuthority");
        assertThat(hub.hub.deviceConnectionString("x509-ca-meter")).endsWith(";DeviceId=x509-ca-meter;x509=true");
    }

    @Test
    void selfSignedModuleIsAddedReadListedUpdatedAndRemoved() throws Exception {
        registry.addDevice(new Device("x509-gateway"));
        Module module = new Module("x509-gateway", "lens", AuthenticationType.SELF_SIGNED);
        module.setThumbprint(SHA256_A, SHA256_B);

        Module added = registry.addModule(module);

        assertThat(added.getAuthenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);
        Module read = registry.getModule("x509-gateway", "lens");
        assertThat(read.getPrimaryThumbprint()).isEqualTo(SHA256_A);
        assertThat(read.getSecondaryThumbprint()).isEqualTo(SHA256_B);
        assertThat(registry.getModulesOnDevice("x509-gateway")).singleElement()
                .satisfies(listed -> assertThat(listed.getAuthenticationType())
                        .isEqualTo(AuthenticationType.SELF_SIGNED));

        read.setThumbprint(SHA1_B, SHA1_A);
        assertThat(registry.updateModule(read).getPrimaryThumbprint()).isEqualTo(SHA1_B);

        registry.removeModule("x509-gateway", "lens");
        assertThatThrownBy(() -> registry.getModule("x509-gateway", "lens"))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void bulkCreatesX509DevicesAndModulesAndRefusesABadThumbprintOnItsOwn() throws Exception {
        registry.addDevice(new Device("bulk-x509-parent"));
        String body = "[{\"id\":\"bulk-x509-a\",\"importMode\":\"create\",\"authentication\":{\"type\":\"selfSigned\","
                + "\"x509Thumbprint\":{\"primaryThumbprint\":\"" + SHA1_A + "\",\"secondaryThumbprint\":null}}},"
                + "{\"id\":\"bulk-x509-bad\",\"importMode\":\"create\",\"authentication\":{\"type\":\"selfSigned\","
                + "\"x509Thumbprint\":{\"primaryThumbprint\":\"not-a-thumbprint\"}}},"
                + "{\"id\":\"bulk-x509-parent\",\"moduleId\":\"ca\",\"importMode\":\"create\","
                + "\"authentication\":{\"type\":\"certificateAuthority\"}}]";

        HttpResponse<String> response = http.post("/devices", body, "registryReadWrite");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonArray errors = JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("errors");
        assertThat(errors.asList()).singleElement().satisfies(error -> {
            assertThat(error.getAsJsonObject().get("deviceId").getAsString()).isEqualTo("bulk-x509-bad");
            assertThat(error.getAsJsonObject().get("errorStatus").getAsString())
                    .contains("40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
        });
        assertThat(registry.getDevice("bulk-x509-a").getPrimaryThumbprint()).isEqualTo(SHA1_A);
        assertThatThrownBy(() -> registry.getDevice("bulk-x509-bad")).isInstanceOf(IotHubNotFoundException.class);
        assertThat(registry.getModule("bulk-x509-parent", "ca").getAuthenticationType())
                .isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
    }

    @Test
    void aBadThumbprintIs400ArgumentInvalidAndNothingIsStored() throws Exception {
        Device device = new Device("x509-bad", AuthenticationType.SELF_SIGNED);
        device.setThumbprint("0000", SHA1_B);

        assertThatThrownBy(() -> registry.addDevice(device))
                .hasMessageContaining("primary thumbprint must be 40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
        HttpResponse<String> listed = http.get("/devices", "registryRead");
        assertThat(listed.body()).doesNotContain("x509-bad");
    }

    /** The device's former key (it was SAS) no longer logs it in once it is selfSigned, whatever the transport. */
    @ParameterizedTest
    @EnumSource(IotHubClientProtocol.class)
    void aSasTokenDoesNotLogInAnX509Device(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-former-sas", protocol);
        registry.addDevice(new Device(deviceId));
        String formerConnectionString = hub.hub.deviceConnectionString(deviceId);
        Device device = registry.getDevice(deviceId);
        device.setThumbprint(SHA1_A, SHA1_B);
        assertThat(registry.updateDevice(device).getAuthenticationType()).isEqualTo(AuthenticationType.SELF_SIGNED);

        DeviceClient client = hub.deviceWithConnectionString(formerConnectionString, protocol);
        assertThatThrownBy(() -> {
            client.open(false);
            client.sendEvent(new Message("{}")); // HTTPS opens without a request; the first one is refused
        }).isInstanceOfSatisfying(IotHubClientException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
    }

    /** IoT Hub takes a module token signed with its device's key, but not for a module that has a certificate. */
    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS", "MQTT_WS", "AMQPS_WS"})
    void aTokenSignedWithTheDevicesKeyDoesNotLogInAnX509Module(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-module-parent", protocol);
        registry.addDevice(new Device(deviceId));
        Module module = new Module(deviceId, "lens", AuthenticationType.SELF_SIGNED);
        module.setThumbprint(SHA1_A, SHA1_B);
        registry.addModule(module);
        String withDeviceKey = hub.hub.deviceConnectionString(deviceId).replace(";SharedAccessKey=",
                ";ModuleId=lens;SharedAccessKey=");

        ModuleClient client = hub.moduleWithConnectionString(withDeviceKey, protocol);
        assertThatThrownBy(() -> client.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    }

    private static JsonObject listedDevice(String deviceId) throws Exception {
        HttpResponse<String> response = http.get("/devices", "registryRead");
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonArray().asList().stream()
                .map(element -> element.getAsJsonObject())
                .filter(device -> device.get("deviceId").getAsString().equals(deviceId))
                .findFirst().orElseThrow();
    }
}
