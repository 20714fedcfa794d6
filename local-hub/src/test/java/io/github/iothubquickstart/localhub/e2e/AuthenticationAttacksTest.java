package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way of presenting credentials that are not quite right is refused, on the device side with CONNACK 5 and on
 * the service side with HTTP 401, and none of them changes the hub's state.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticationAttacksTest {
    private static final long IN_AN_HOUR = Instant.now().plusSeconds(3600).getEpochSecond();

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;
    static DeviceIdentity victim;
    static DeviceIdentity other;
    static HttpClient http;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
        victim = devices.device("victim");
        other = devices.device("other");
        DeviceIdentity disabled = devices.device("disabled");
        hub.hub.identity().registry().setEnabled(disabled.deviceId(), false);
        http = HttpClient.newBuilder().sslContext(TrustedCa.trustingOnly(hub.hub.caCertificateFile()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @AfterEach
    void nothingChanged() {
        assertThat(hub.hub.identity().registry().listDevices()).extracting(DeviceIdentity::deviceId)
                .containsExactly("MyJavaDevice", "disabled", "other", "victim");
        assertThat(hub.hub.identity().registry().findDevice("victim")).contains(victim);
        assertThat(hub.hub.isDeviceConnected("victim")).isFalse();
    }

    static Stream<Arguments> forgedDeviceCredentials() {
        String audience = hub.address() + "/devices/victim";
        String key = victim.primaryKey();
        String valid = SasSigner.sign(key, audience, IN_AN_HOUR, null);
        String signature = valid.substring(valid.indexOf("sig=") + 4, valid.indexOf('&', valid.indexOf("sig=")));
        String zeroKey = Base64.getEncoder().encodeToString(new byte[32]);
        return Stream.of(
                Arguments.of("forged signature", "victim", SasSigner.sign(zeroKey, audience, IN_AN_HOUR, null)),
                Arguments.of("expired", "victim", SasSigner.sign(key, audience, Instant.now().minusSeconds(5).getEpochSecond(), null)),
                Arguments.of("another device's audience", "victim", SasSigner.sign(key, hub.address() + "/devices/other", IN_AN_HOUR, null)),
                Arguments.of("another device's token", "victim", SasSigner.sign(other.primaryKey(), hub.address() + "/devices/other", IN_AN_HOUR, null)),
                Arguments.of("another hub's audience", "victim", SasSigner.sign(key, "other-hub.azure-devices.net/devices/victim", IN_AN_HOUR, null)),
                Arguments.of("signature moved to another expiry", "victim",
                        "SharedAccessSignature sr=" + audience + "&sig=" + signature + "&se=" + (IN_AN_HOUR + 1000)),
                Arguments.of("sr missing", "victim", "SharedAccessSignature sig=" + signature + "&se=" + IN_AN_HOUR),
                Arguments.of("se missing", "victim", "SharedAccessSignature sr=" + audience + "&sig=" + signature),
                Arguments.of("sig missing", "victim", "SharedAccessSignature sr=" + audience + "&se=" + IN_AN_HOUR),
                Arguments.of("sig repeated", "victim", valid + "&sig=" + signature),
                Arguments.of("se repeated", "victim", valid + "&se=" + IN_AN_HOUR),
                Arguments.of("no prefix", "victim", valid.substring("SharedAccessSignature ".length())),
                Arguments.of("oversized password", "victim", valid + "&x=" + "a".repeat(60_000)),
                Arguments.of("unknown device", "ghost", SasSigner.sign(key, hub.address() + "/devices/ghost", IN_AN_HOUR, null)),
                Arguments.of("empty password", "victim", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedDeviceCredentials")
    void forgedDeviceCredentialsAreConnack5(String attack, String clientId, String password) throws Exception {
        assertThat(devices.refusal(clientId, devices.username(clientId), password))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    @Test
    void disabledDeviceIsRefusedWithItsOwnValidToken() throws Exception {
        DeviceIdentity disabled = hub.hub.identity().registry().findDevice("disabled").orElseThrow();

        assertThat(devices.refusal("disabled", devices.username("disabled"), devices.password(disabled)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    @Test
    void validTokenUnderAnotherClientIdIsRefused() throws Exception {
        assertThat(devices.refusal("other", devices.username("other"), devices.password(victim)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
        assertThat(devices.refusal("victim", devices.username("other"), devices.password(victim)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    @Test
    void oversizedUserNameIsRefused() throws Exception {
        assertThat(devices.refusal("victim", devices.username("victim") + "x".repeat(60_000), devices.password(victim)))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
    }

    static Stream<Arguments> forgedServiceTokens() {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        SharedAccessPolicy registryRead = hub.hub.identity().registry().findPolicy("registryRead").orElseThrow();
        String valid = SasSigner.sign(service.primaryKey(), hub.address(), IN_AN_HOUR, "service");
        return Stream.of(
                Arguments.of("no token", null),
                Arguments.of("registry-read policy", SasSigner.sign(registryRead.primaryKey(), hub.address(), IN_AN_HOUR, "registryRead")),
                Arguments.of("policy name swapped", valid.replace("skn=service", "skn=iothubowner")),
                Arguments.of("unknown policy", valid.replace("skn=service", "skn=nobody")),
                Arguments.of("skn missing", SasSigner.sign(service.primaryKey(), hub.address(), IN_AN_HOUR, null)),
                Arguments.of("skn repeated", valid + "&skn=service"),
                Arguments.of("expired", SasSigner.sign(service.primaryKey(), hub.address(), Instant.now().minusSeconds(5).getEpochSecond(), "service")),
                Arguments.of("another hub", SasSigner.sign(service.primaryKey(), "other-hub.azure-devices.net", IN_AN_HOUR, "service")),
                Arguments.of("a device token", devices.password(victim)),
                Arguments.of("oversized", valid + "&x=" + "a".repeat(10_000)),
                Arguments.of("garbage", "Bearer " + URLEncoder.encode("eyJ0eXAiOiJKV1Qi", StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedServiceTokens")
    void forgedServiceTokensAre401WithoutReachingTheDevice(String attack, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("https://" + hub.hub.serviceHost() + "/twins/victim/methods?api-version=2021-04-12"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"reboot\",\"payload\":{}}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }

        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        List<Integer> refused = List.of(401, 431);
        assertThat(response.statusCode()).as(response.body()).isIn(refused);
        if (response.statusCode() == 401) {
            assertThat(response.body()).contains("\"errorCode\":401002");
        }
    }
}
