package io.github.iothubquickstart.localhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.auth.IotHubSasToken;
import com.microsoft.azure.sdk.iot.service.auth.IotHubConnectionStringBuilder;
import com.microsoft.azure.sdk.iot.service.auth.IotHubServiceSasToken;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SasVerifierTest {

    private static final long NOW = 1_700_000_000L;
    private static final long LATER = NOW + 3600;
    private static final String PRIMARY = SymmetricKeys.random();
    private static final String SECONDARY = SymmetricKeys.random();
    private static final String RESOURCE = "hub.local/devices/dev1";

    private final SasVerifier verifier = new SasVerifier(clockAt(NOW));

    @Test
    void acceptsATokenItSignedWithThePrimaryOrSecondaryKey() throws Exception {
        assertThat(check(SasSigner.sign(PRIMARY, RESOURCE, LATER, null), RESOURCE)).isEqualTo(SasCheck.VALID);
        assertThat(check(SasSigner.sign(SECONDARY, RESOURCE, LATER, "service"), RESOURCE)).isEqualTo(SasCheck.VALID);
    }

    @Test
    void signedTokenHasTheDocumentedShape() throws Exception {
        String token = SasSigner.sign(PRIMARY, RESOURCE, LATER, "service");

        assertThat(token).startsWith("SharedAccessSignature sr=hub.local%2Fdevices%2Fdev1&sig=")
                .endsWith("&se=" + LATER + "&skn=service");
        assertThat(SasToken.parse(token).signature())
                .isEqualTo(SasSigner.signature(PRIMARY, RESOURCE, LATER))
                .isEqualTo(SasSigner.hmac(PRIMARY, "hub.local%2Fdevices%2Fdev1\n" + LATER));
    }

    @Test
    void refusesAnExpiredToken() throws Exception {
        String token = SasSigner.sign(PRIMARY, RESOURCE, NOW, null);

        assertThat(check(token, RESOURCE)).isEqualTo(SasCheck.EXPIRED);
        assertThat(new SasVerifier(clockAt(NOW - 1)).check(SasToken.parse(token), RESOURCE, List.of(PRIMARY)))
                .isEqualTo(SasCheck.VALID);
    }

    @Test
    void refusesATokenForAnotherResource() throws Exception {
        assertThat(check(SasSigner.sign(PRIMARY, "hub.local/devices/dev2", LATER, null), RESOURCE))
                .isEqualTo(SasCheck.WRONG_RESOURCE);
        assertThat(check(SasSigner.sign(PRIMARY, "other.local/devices/dev1", LATER, null), RESOURCE))
                .isEqualTo(SasCheck.WRONG_RESOURCE);
    }

    @Test
    void hostIsCaseInsensitiveButDeviceIdIsNot() throws Exception {
        assertThat(check(SasSigner.sign(PRIMARY, "HUB.Local/devices/dev1", LATER, null), RESOURCE))
                .isEqualTo(SasCheck.VALID);
        assertThat(check(SasSigner.sign(PRIMARY, "hub.local/devices/DEV1", LATER, null), RESOURCE))
                .isEqualTo(SasCheck.WRONG_RESOURCE);
    }

    @Test
    void refusesATokenSignedWithAnotherKey() throws Exception {
        assertThat(check(SasSigner.sign(SymmetricKeys.random(), RESOURCE, LATER, null), RESOURCE))
                .isEqualTo(SasCheck.BAD_SIGNATURE);
    }

    @Test
    void refusesATokenWhoseExpiryWasExtended() throws Exception {
        String token = SasSigner.sign(PRIMARY, RESOURCE, LATER, null).replace("se=" + LATER, "se=" + (LATER + 1));

        assertThat(check(token, RESOURCE)).isEqualTo(SasCheck.BAD_SIGNATURE);
    }

    @Test
    void badSignatureWinsOverExpiredSoExpiredMeansGenuine() throws Exception {
        assertThat(check(SasSigner.sign(SymmetricKeys.random(), RESOURCE, NOW - 10, null), RESOURCE))
                .isEqualTo(SasCheck.BAD_SIGNATURE);
    }

    @Test
    void noCandidateKeysMeansBadSignature() throws Exception {
        SasToken token = SasToken.parse(SasSigner.sign(PRIMARY, RESOURCE, LATER, null));

        assertThat(verifier.check(token, RESOURCE, List.of())).isEqualTo(SasCheck.BAD_SIGNATURE);
    }

    /** The Java device SDK signs "host/devices/<url-encoded id>" as is: no encoding of the slashes. */
    @ParameterizedTest
    @ValueSource(strings = {"MyJavaDevice", "dev-1.a_b", "a+b%c#d*e?f!g(h)i,j:k=l@m$n'o"})
    void acceptsTokensFromTheJavaDeviceSdk(String deviceId) throws Exception {
        String host = "127.0.0.1";
        String token = new IotHubSasToken(host, deviceId, PRIMARY, null, null, LATER).toString();

        SasToken parsed = SasToken.parse(token);
        assertThat(parsed.resource()).isEqualTo(host + "/devices/" + deviceId);
        assertThat(verifier.check(parsed, host + "/devices/" + deviceId, List.of(SECONDARY, PRIMARY)))
                .isEqualTo(SasCheck.VALID);
        assertThat(verifier.check(parsed, host + "/devices/" + deviceId, List.of(SECONDARY)))
                .isEqualTo(SasCheck.BAD_SIGNATURE);
    }

    /** The service SDK lower-cases the host name, then encodes and signs it. */
    @Test
    void acceptsTokensFromTheJavaServiceSdk() throws Exception {
        String connectionString = "HostName=MyHub.Example.com;SharedAccessKeyName=service;SharedAccessKey=" + PRIMARY;
        String token = new IotHubServiceSasToken(
                IotHubConnectionStringBuilder.createIotHubConnectionString(connectionString)).toString();

        SasToken parsed = SasToken.parse(token);
        assertThat(parsed.keyName()).contains("service");
        assertThat(new SasVerifier(Clock.systemUTC()).check(parsed, "MyHub.Example.com", List.of(PRIMARY)))
                .isEqualTo(SasCheck.VALID);
        assertThat(parsed.signature())
                .isEqualTo(SasSigner.signature(PRIMARY, "myhub.example.com", parsed.expiresAtEpochSecond()));
    }

    /** Node's encodeURIComponent leaves ' ( ) ! * unencoded, where Java's URLEncoder encodes them. */
    @Test
    void acceptsNodeStyleTokensWhoseEncodingDiffersFromJava() throws Exception {
        String resource = "hub.local/devices/it's(a)!dev*";
        String nodeEncoded = "hub.local%2Fdevices%2Fit's(a)!dev*";
        String sig = java.util.Base64.getEncoder().encodeToString(SasSigner.hmac(PRIMARY, nodeEncoded + "\n" + LATER));
        String token = "SharedAccessSignature sr=" + nodeEncoded + "&sig="
                + java.net.URLEncoder.encode(sig, StandardCharsets.UTF_8) + "&se=" + LATER;

        assertThat(check(token, resource)).isEqualTo(SasCheck.VALID);
    }

    private SasCheck check(String token, String expectedResource) throws InvalidSasTokenException {
        return verifier.check(SasToken.parse(token), expectedResource, List.of(PRIMARY, SECONDARY));
    }

    private static Clock clockAt(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
