package io.github.iothubquickstart.localhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Coverage-guided fuzzing (Jazzer) of SAS tokens, as every transport receives them (MQTT password, AMQP $cbs and SASL
 * PLAIN, the REST Authorization header). Inputs under {@code SasTokenFuzzTargetInputs/} run as regression tests.
 */
class SasTokenFuzzTarget {

    @FuzzTest
    void tokensParseOrAreRefusedWithTheirReason(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);

        SasToken token;
        try {
            token = SasToken.parse(text);
        } catch (InvalidSasTokenException refused) {
            // The reason is shown to the client: short, whatever it sent.
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(300);
            return;
        }
        assertThat(text).hasSizeLessThanOrEqualTo(SasToken.MAX_LENGTH);
        assertThat(token.resource()).isNotEmpty();
        assertThat(token.signature()).isNotEmpty();
        assertThat(token.expiresAtEpochSecond()).isNotNegative();
        token.keyName().ifPresent(name -> assertThat(name).isNotEmpty());
        // The signature never reaches a log line (unless the resource or key name happen to contain its text).
        String signature = Base64.getEncoder().encodeToString(token.signature());
        if (!token.resource().contains(signature) && !token.keyName().orElse("").contains(signature)) {
            assertThat(token.toString()).doesNotContain(signature);
        }
        // Written again from its parts, the token parses to the same token.
        String rewritten = SasToken.PREFIX + "sr=" + token.signedResource()
                + "&sig=" + URLEncoder.encode(Base64.getEncoder().encodeToString(token.signature()), StandardCharsets.UTF_8)
                + "&se=" + token.expiresAtEpochSecond()
                + token.keyName().map(name -> "&skn=" + URLEncoder.encode(name, StandardCharsets.UTF_8)).orElse("");
        if (rewritten.length() > SasToken.MAX_LENGTH) {
            return; // percent-encoding the signature's '+' and '/' made it longer than the limit
        }
        try {
            assertThat(SasToken.parse(rewritten)).isEqualTo(token);
        } catch (InvalidSasTokenException e) {
            throw new AssertionError("the rewritten token " + rewritten + " was refused: " + e.getMessage(), e);
        }
    }
}
