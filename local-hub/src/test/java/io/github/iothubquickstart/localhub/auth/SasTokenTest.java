package io.github.iothubquickstart.localhub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SasTokenTest {

    private static final String SIG = "ab%2Bc%2Fd%3D%3D"; // "ab+c/d==" URL-encoded
    private static final byte[] SIG_BYTES = Base64.getDecoder().decode("ab+c/d==");

    @ParameterizedTest
    @ValueSource(strings = {
        "SharedAccessSignature sr=hub.local/devices/dev1&sig=" + SIG + "&se=1700000000",
        "SharedAccessSignature sig=" + SIG + "&se=1700000000&sr=hub.local/devices/dev1",
        "SharedAccessSignature se=1700000000&sr=hub.local%2Fdevices%2Fdev1&sig=" + SIG,
    })
    void parsesFieldsInAnyOrderEncodedOrNot(String value) throws Exception {
        SasToken token = SasToken.parse(value);

        assertThat(token.resource()).isEqualTo("hub.local/devices/dev1");
        assertThat(token.signature()).isEqualTo(SIG_BYTES);
        assertThat(token.expiresAtEpochSecond()).isEqualTo(1_700_000_000L);
        assertThat(token.keyName()).isEmpty();
    }

    @Test
    void keepsTheResourceAsSentBecauseThatIsWhatWasSigned() throws Exception {
        assertThat(SasToken.parse("SharedAccessSignature sr=hub.local%2Fdevices%2Fdev1&sig=" + SIG + "&se=1")
                .signedResource()).isEqualTo("hub.local%2Fdevices%2Fdev1");
        assertThat(SasToken.parse("SharedAccessSignature sr=hub.local/devices/dev1&sig=" + SIG + "&se=1")
                .signedResource()).isEqualTo("hub.local/devices/dev1");
    }

    @Test
    void decodesKeyNameAndPercentEncodedDeviceId() throws Exception {
        SasToken token = SasToken.parse(
                "SharedAccessSignature sr=hub.local%2Fdevices%2Fa%2Bb%23c&sig=" + SIG + "&se=5&skn=my%20policy");

        assertThat(token.resource()).isEqualTo("hub.local/devices/a+b#c");
        assertThat(token.keyName()).contains("my policy");
    }

    @Test
    void anEmptyKeyNameIsNoKeyNameAsTheJavaProvisioningClientSendsIt() throws Exception {
        // RegisterTask: "SharedAccessSignature sr=%s&sig=%s&se=%s&skn=" (provisioning-device-client 2.1.3)
        SasToken token = SasToken.parse("SharedAccessSignature sr=0ne0000ABCD/registrations/r1&sig=" + SIG
                + "&se=1&skn=");
        assertThat(token.keyName()).isEmpty();
        assertThat(token.resource()).isEqualTo("0ne0000ABCD/registrations/r1");
    }

    @Test
    void keepsAPlusInAnUnencodedSignature() throws Exception {
        assertThat(SasToken.parse("SharedAccessSignature sr=h&sig=ab+c/d==&se=1").signature()).isEqualTo(SIG_BYTES);
    }

    @Test
    void neverPrintsTheSignature() throws Exception {
        assertThat(SasToken.parse("SharedAccessSignature sr=h&sig=" + SIG + "&se=1").toString())
                .doesNotContain("ab").contains("sr=h");
    }

    @Test
    void refusesNull() {
        assertRefused(null, "missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sr=h&sig=" + SIG + "&se=1", "sharedaccesssignature sr=h&sig=" + SIG + "&se=1",
        "SharedAccessSignaturesr=h&sig=" + SIG + "&se=1", "Bearer abc", ""})
    void refusesAMissingPrefix(String value) {
        assertRefused(value, "does not start with \"SharedAccessSignature \"");
    }

    @Test
    void refusesMissingFields() {
        assertRefused("SharedAccessSignature sig=" + SIG + "&se=1", "no \"sr\" field");
        assertRefused("SharedAccessSignature sr=h&se=1", "no \"sig\" field");
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG, "no \"se\" field");
    }

    @Test
    void refusesRepeatedFields() {
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=1&sr=other", "field \"sr\" more than once");
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=1&se=2", "field \"se\" more than once");
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=1&skn=a&skn=b", "field \"skn\" more than once");
    }

    @Test
    void refusesUnknownFields() {
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=1&foo=bar", "unknown field \"foo\"");
        assertRefused("SharedAccessSignature SR=h&sig=" + SIG + "&se=1", "unknown field \"SR\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5", "1.5", "0x10", "", " 1", "99999999999999999999"})
    void refusesNonNumericExpiry(String expiry) {
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=" + expiry, "\"se\"");
    }

    @Test
    void refusesTokensOver4096Characters() throws Exception {
        String prefix = "SharedAccessSignature sig=" + SIG + "&se=1&sr=";
        String atLimit = prefix + "h".repeat(4096 - prefix.length());
        assertThat(SasToken.parse(atLimit).resource()).hasSize(4096 - prefix.length());

        assertRefused(atLimit + "h", "4097 characters long, more than the limit of 4096");
    }

    @Test
    void refusesInvalidBase64Signature() {
        assertRefused("SharedAccessSignature sr=h&sig=not*base64&se=1", "\"sig\" is not valid base64");
    }

    @Test
    void refusesMalformedFields() {
        assertRefused("SharedAccessSignature sr=h&sig=" + SIG + "&se=1&", "field \"\" is not name=value");
        assertRefused("SharedAccessSignature sr=h&&sig=" + SIG + "&se=1", "is not name=value");
        assertRefused("SharedAccessSignature sr&sig=" + SIG + "&se=1", "field \"sr\" is not name=value");
        assertRefused("SharedAccessSignature sr=&sig=" + SIG + "&se=1", "field \"sr\" is empty");
        assertRefused("SharedAccessSignature sr=h&sig=&se=1", "field \"sig\" is empty");
        assertRefused("SharedAccessSignature sr=h%ZZ&sig=" + SIG + "&se=1", "\"sr\" is not validly URL-encoded");
    }

    private static void assertRefused(String value, String messagePart) {
        assertThatThrownBy(() -> SasToken.parse(value))
                .isInstanceOf(InvalidSasTokenException.class)
                .hasMessageContaining(messagePart);
    }
}
