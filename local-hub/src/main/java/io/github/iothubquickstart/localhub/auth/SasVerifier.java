package io.github.iothubquickstart.localhub.auth;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Checks a SAS token the way IoT Hub does: the signature is recomputed over the {@code sr} exactly as
 * the client sent it (see {@link SasToken#signedResource()}), so tokens from every SDK verify whether
 * they URL-encode {@code sr} or not.
 */
public final class SasVerifier {

    private final Clock clock;

    public SasVerifier(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The time tokens are checked against. */
    Instant now() {
        return clock.instant();
    }

    /**
     * @param expectedResource the decoded resource the token must be for, e.g. {@code host/devices/dev1}
     * @param candidateBase64Keys the keys that may have signed it (primary and secondary)
     * @return VALID, or the first reason that applies in the order WRONG_RESOURCE, BAD_SIGNATURE,
     *     EXPIRED (so EXPIRED means a genuine token that merely expired)
     */
    public SasCheck check(SasToken token, String expectedResource, List<String> candidateBase64Keys) {
        return check(token, expectedResource, candidateBase64Keys, false);
    }

    /**
     * As {@link #check(SasToken, String, List)}; with {@code keysAsText} the keys sign as Event Hubs clients use
     * them (their text as the HMAC key, see {@link SasSigner#signAsEventHubs}).
     */
    public SasCheck check(SasToken token, String expectedResource, List<String> candidateKeys, boolean keysAsText) {
        if (!sameResource(token.resource(), expectedResource)) {
            return SasCheck.WRONG_RESOURCE;
        }
        if (!signedByAny(token, candidateKeys, keysAsText)) {
            return SasCheck.BAD_SIGNATURE;
        }
        if (clock.instant().getEpochSecond() >= token.expiresAtEpochSecond()) {
            return SasCheck.EXPIRED;
        }
        return SasCheck.VALID;
    }

    /** Host names are case-insensitive (the Java service SDK even lower-cases them); paths are not. */
    static boolean sameResource(String actual, String expected) {
        int actualSlash = actual.indexOf('/');
        int expectedSlash = expected.indexOf('/');
        String actualHost = actualSlash < 0 ? actual : actual.substring(0, actualSlash);
        String expectedHost = expectedSlash < 0 ? expected : expected.substring(0, expectedSlash);
        String actualPath = actualSlash < 0 ? "" : actual.substring(actualSlash);
        String expectedPath = expectedSlash < 0 ? "" : expected.substring(expectedSlash);
        return actualHost.equalsIgnoreCase(expectedHost) && actualPath.equals(expectedPath);
    }

    private static boolean signedByAny(SasToken token, List<String> candidateBase64Keys, boolean keysAsText) {
        String stringToSign = SasSigner.stringToSign(token.signedResource(), token.expiresAtEpochSecond());
        byte[] presented = token.signature();
        boolean matched = false;
        // Every key is tried, without early exit, so timing does not reveal which key matched.
        for (String key : candidateBase64Keys) {
            if (key == null || key.isEmpty()) {
                continue;
            }
            byte[] expected = keysAsText ? SasSigner.hmacWithTextKey(key, stringToSign) : SasSigner.hmac(key, stringToSign);
            matched |= MessageDigest.isEqual(expected, presented);
        }
        return matched;
    }
}
