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
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * X.509 identities (selfSigned with thumbprints, certificateAuthority) through the real RegistryClient: stored, read
 * back, listed, updated and removed in IoT Hub's JSON shape; the real DeviceClient and ModuleClient log in with their
 * certificates (x509=true and a TLS context holding the certificate) on MQTT, AMQPS, MQTT_WS and HTTPS, and send
 * telemetry, answer methods and use their twins; bad certificates are refused as IoT Hub refuses them, a SAS token
 * never logs such an identity in, and a certificate never logs a SAS identity in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class X509IdentitiesEndToEndTest {
    private static final String SHA1_A = "0000000000000000000000000000000000000000";
    private static final String SHA1_B = "1111111111111111111111111111111111111111";
    private static final String SHA256_A = "AB".repeat(32);
    private static final String SHA256_B = "cd".repeat(32);
    private static final Instant NOW = Instant.now();
    private static final ClientCertificates.Issued FLEET_CA =
            ClientCertificates.rootCa("Fleet Root CA", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));
    private static final ClientCertificates.Issued FLEET_INTERMEDIATE = ClientCertificates.intermediateCa(FLEET_CA,
            "Fleet Intermediate CA", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365)));

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets()
            .settings(settings -> settings.trustedCertificateAuthorities(() -> List.of(FLEET_CA.certificate()))).build();
    static RegistryClient registry;
    static ServiceHttp http;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        http = new ServiceHttp(hub);
    }

    @AfterEach
    void closeClients() {
        hub.closeDevices();
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

    // --- Logging in with a certificate ---

    static Stream<Arguments> deviceRows() {
        return Stream.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS, IotHubClientProtocol.MQTT_WS)
                .flatMap(protocol -> Stream.of(Arguments.of(protocol, AuthenticationType.SELF_SIGNED),
                        Arguments.of(protocol, AuthenticationType.CERTIFICATE_AUTHORITY)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("deviceRows")
    void anX509DeviceSendsTelemetryAnswersAMethodAndReportsToItsTwin(IotHubClientProtocol protocol,
                                                                     AuthenticationType type) throws Exception {
        String deviceId = TestHub.idFor("x509-" + type.name().toLowerCase(Locale.ROOT), protocol);
        ClientCertificates.Issued certificate = registerX509Device(deviceId, type);
        DeviceClient client = hub.x509Device(deviceId, certificate, protocol);
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            client.open(false);
            assertThat(registry.getDevice(deviceId).getConnectionState()).isEqualTo(DeviceConnectionState.Connected);

            client.sendEvent(new Message("{\"temperature\":21.5}"));

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(deviceId);
            assertThat(new String(arrived.body(), StandardCharsets.UTF_8)).isEqualTo("{\"temperature\":21.5}");
        }
        client.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("ran", name)),
                null);
        var answer = hub.methodsClient("service").invoke(deviceId, "reboot",
                DirectMethodRequestOptions.builder().payload(null).methodResponseTimeoutSeconds(30).build());
        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsJsonObject().get("ran").getAsString()).isEqualTo("reboot");

        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> desired = new LinkedBlockingQueue<>();
        client.subscribeToDesiredProperties((twin, context) -> desired.add(twin), null);
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("interval", 5);
        hub.twinClient("service").patch(patch);
        assertThat(desired.poll(10, TimeUnit.SECONDS)).isNotNull()
                .satisfies(twin -> assertThat(twin.getDesiredProperties().get("interval")).isEqualTo(5L));
        TwinCollection reported = new TwinCollection();
        reported.put("firmware", "2.0");
        TwinRequests.updateReportedProperties(client, reported);
        assertThat(hub.twinClient("service").get(deviceId).getReportedProperties().get("firmware")).isEqualTo("2.0");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("deviceRows")
    void anX509ModuleSendsTelemetryAnswersAMethodAndReportsToItsTwin(IotHubClientProtocol protocol,
                                                                     AuthenticationType type) throws Exception {
        String deviceId = TestHub.idFor("x509-host-" + type.name().toLowerCase(Locale.ROOT), protocol);
        registry.addDevice(new Device(deviceId));
        ClientCertificates.Issued certificate = type == AuthenticationType.SELF_SIGNED
                ? selfSigned(deviceId + "/lens") : caSigned(deviceId + "/lens");
        Module module = new Module(deviceId, "lens", type);
        if (type == AuthenticationType.SELF_SIGNED) {
            module.setThumbprint(ClientCertificates.sha1Thumbprint(certificate.certificate()), null);
        }
        registry.addModule(module);
        ModuleClient client = hub.x509Module(deviceId, "lens", certificate, protocol);
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            client.open(false);

            client.sendEvent(new Message("{\"focus\":3}"));

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(deviceId);
            assertThat(arrived.moduleId()).isEqualTo("lens");
        }
        assertThat(registry.getModule(deviceId, "lens").getConnectionState())
                .isEqualTo(DeviceConnectionState.Connected);
        client.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("ran", name)),
                null);
        var answer = hub.methodsClient("service").invoke(deviceId, "lens", "refocus",
                DirectMethodRequestOptions.builder().payload(null).methodResponseTimeoutSeconds(30).build());
        assertThat(answer.getStatus()).isEqualTo(200);

        client.subscribeToDesiredProperties((twin, context) -> { }, null);
        TwinCollection reported = new TwinCollection();
        reported.put("zoom", 4);
        TwinRequests.updateReportedProperties(client, reported);
        assertThat(hub.twinClient("service").get(deviceId, "lens").getReportedProperties().get("zoom"))
                .isEqualTo(4L);
    }

    @ParameterizedTest
    @EnumSource(value = AuthenticationType.class, names = {"SELF_SIGNED", "CERTIFICATE_AUTHORITY"})
    void overHttpsAnX509DeviceSendsTelemetryWithoutAnAuthorizationHeader(AuthenticationType type) throws Exception {
        String deviceId = "x509-https-" + type.name().toLowerCase(Locale.ROOT);
        DeviceClient client = hub.x509Device(deviceId, registerX509Device(deviceId, type), IotHubClientProtocol.HTTPS);
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            client.open(false);

            client.sendEvent(new Message("{\"door\":\"open\"}"));

            TelemetryMessage arrived = received.poll(10, TimeUnit.SECONDS);
            assertThat(arrived).isNotNull();
            assertThat(arrived.deviceId()).isEqualTo(deviceId);
        }
    }

    @Test
    void aCertificateBelowATrustedRootsIntermediateLogsInWhenTheDeviceSendsTheIntermediateAlong() throws Exception {
        registry.addDevice(new Device("x509-intermediate", AuthenticationType.CERTIFICATE_AUTHORITY));
        ClientCertificates.Issued leaf = ClientCertificates.leaf(FLEET_INTERMEDIATE, "x509-intermediate",
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));

        hub.x509Device("x509-intermediate", leaf, IotHubClientProtocol.MQTT).open(false);

        assertThat(hub.hub.isDeviceConnected("x509-intermediate")).isTrue();
    }

    // --- Refusals ---

    static Stream<IotHubClientProtocol> certificateProtocols() {
        return Stream.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS, IotHubClientProtocol.MQTT_WS,
                IotHubClientProtocol.HTTPS);
    }

    @ParameterizedTest
    @MethodSource("certificateProtocols")
    void aCertificateOfNeitherRegisteredThumbprintIsRefused(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-unknown-thumbprint", protocol);
        registerX509Device(deviceId, AuthenticationType.SELF_SIGNED);

        assertRefused(hub.x509Device(deviceId, selfSigned(deviceId), protocol), deviceId);
    }

    @ParameterizedTest
    @MethodSource("certificateProtocols")
    void aChainToACaTheHubDoesNotTrustIsRefused(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-untrusted", protocol);
        registerX509Device(deviceId, AuthenticationType.CERTIFICATE_AUTHORITY);
        ClientCertificates.Issued otherCa = ClientCertificates.rootCa("Fleet Root CA", NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(365)));

        assertRefused(hub.x509Device(deviceId, ClientCertificates.leaf(otherCa, deviceId,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30))), protocol), deviceId);
    }

    @ParameterizedTest
    @MethodSource("certificateProtocols")
    void anExpiredCertificateIsRefusedThoughItsThumbprintIsRegistered(IotHubClientProtocol protocol)
            throws Exception {
        String deviceId = TestHub.idFor("x509-expired", protocol);
        ClientCertificates.Issued expired = ClientCertificates.selfSigned(deviceId, NOW.minus(Duration.ofDays(30)),
                NOW.minus(Duration.ofDays(1)));
        Device device = new Device(deviceId, AuthenticationType.SELF_SIGNED);
        device.setThumbprint(ClientCertificates.sha1Thumbprint(expired.certificate()), null);
        registry.addDevice(device);

        assertRefused(hub.x509Device(deviceId, expired, protocol), deviceId);
    }

    @ParameterizedTest
    @MethodSource("certificateProtocols")
    void aTrustedCertificateOfAnotherDeviceIsRefused(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-cn-mismatch", protocol);
        registerX509Device(deviceId, AuthenticationType.CERTIFICATE_AUTHORITY);

        assertRefused(hub.x509Device(deviceId, caSigned("some-other-device"), protocol), deviceId);
    }

    @ParameterizedTest
    @MethodSource("certificateProtocols")
    void aCertificateDoesNotLogInASasDevice(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-sas-device", protocol);
        registry.addDevice(new Device(deviceId));

        assertRefused(hub.x509Device(deviceId, caSigned(deviceId), protocol), deviceId);
    }

    /**
     * The Azure SDKs cannot use X.509 on AMQPS_WS with IoT Hub (the Java SDK's readme says so): their AMQP WebSocket
     * always says iothub-no-client-cert=true, so the hub does not take the certificate the TLS handshake carried.
     */
    @Test
    void overAmqpsWebSocketsTheCertificateLogsNothingInAsOnIotHub() throws Exception {
        String deviceId = "x509-amqps-ws";
        ClientCertificates.Issued certificate = registerX509Device(deviceId, AuthenticationType.SELF_SIGNED);

        assertRefused(hub.x509Device(deviceId, certificate, IotHubClientProtocol.AMQPS_WS), deviceId);
        hub.x509Device(deviceId, certificate, IotHubClientProtocol.MQTT_WS).open(false);
        assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aRefusedCertificateLeavesTheConnectedDevicesAlone(IotHubClientProtocol protocol) throws Exception {
        String connectedId = TestHub.idFor("x509-neighbour", protocol);
        DeviceClient connected = hub.x509Device(connectedId,
                registerX509Device(connectedId, AuthenticationType.CERTIFICATE_AUTHORITY), protocol);
        connected.open(false);
        String refusedId = TestHub.idFor("x509-intruder", protocol);
        registerX509Device(refusedId, AuthenticationType.SELF_SIGNED);

        // The neighbour's own trusted certificate, for another identity.
        assertRefused(hub.x509Device(refusedId, caSigned(connectedId), protocol), refusedId);

        assertThat(hub.hub.isDeviceConnected(connectedId)).isTrue();
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            connected.sendEvent(new Message("{}"));
            assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull()
                    .satisfies(message -> assertThat(message.deviceId()).isEqualTo(connectedId));
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS", "MQTT_WS"})
    void aDisabledX509DeviceIsDisconnected(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-disabled", protocol);
        hub.x509Device(deviceId, registerX509Device(deviceId, AuthenticationType.SELF_SIGNED), protocol).open(false);
        assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();

        Device device = registry.getDevice(deviceId);
        device.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(device);

        TestHub.awaitThat(() -> !hub.hub.isDeviceConnected(deviceId), Duration.ofSeconds(10),
                deviceId + " is disconnected");
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aDeletedX509DeviceIsDisconnected(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("x509-deleted", protocol);
        hub.x509Device(deviceId, registerX509Device(deviceId, AuthenticationType.CERTIFICATE_AUTHORITY), protocol)
                .open(false);
        assertThat(hub.hub.isDeviceConnected(deviceId)).isTrue();

        registry.removeDevice(deviceId);

        TestHub.awaitThat(() -> !hub.hub.isDeviceConnected(deviceId), Duration.ofSeconds(10),
                deviceId + " is disconnected");
    }

    /** Registers {@code deviceId} as selfSigned (its certificate's SHA-1 thumbprint) or certificateAuthority. */
    private static ClientCertificates.Issued registerX509Device(String deviceId, AuthenticationType type)
            throws Exception {
        Device device = new Device(deviceId, type);
        ClientCertificates.Issued certificate;
        if (type == AuthenticationType.SELF_SIGNED) {
            certificate = selfSigned(deviceId);
            device.setThumbprint(ClientCertificates.sha1Thumbprint(certificate.certificate()), null);
        } else {
            certificate = caSigned(deviceId);
        }
        registry.addDevice(device);
        return certificate;
    }

    private static ClientCertificates.Issued selfSigned(String commonName) {
        return ClientCertificates.selfSigned(commonName, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));
    }

    private static ClientCertificates.Issued caSigned(String commonName) {
        return ClientCertificates.leaf(FLEET_CA, commonName, NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)));
    }

    /** The SDK's open (or, on HTTPS, which opens nothing, its first request) fails as unauthorized. */
    private static void assertRefused(DeviceClient client, String deviceId) {
        assertThatThrownBy(() -> {
            client.open(false);
            client.sendEvent(new Message("{}"));
        }).isInstanceOfSatisfying(IotHubClientException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
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
