package io.github.iothubquickstart.localhub.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Creates SAS tokens the way the Azure SDKs do:
 * {@code sig = base64(HMAC-SHA256(base64decode(key), urlencode(resource) + "\n" + se))}.
 */
public final class SasSigner {

    private static final String HMAC_SHA256 = "HmacSHA256";

    private SasSigner() {
    }

    /** The full token {@code SharedAccessSignature sr=..&sig=..&se=..[&skn=..]}. */
    public static String sign(String base64Key, String resource, long expiresAtEpochSecond, String keyNameOrNull) {
        String encodedResource = UrlEncoding.encode(resource);
        byte[] signature = hmac(base64Key, stringToSign(encodedResource, expiresAtEpochSecond));
        StringBuilder token = new StringBuilder(SasToken.PREFIX)
                .append("sr=").append(encodedResource)
                .append("&sig=").append(UrlEncoding.encode(Base64.getEncoder().encodeToString(signature)))
                .append("&se=").append(expiresAtEpochSecond);
        if (keyNameOrNull != null) {
            token.append("&skn=").append(UrlEncoding.encode(keyNameOrNull));
        }
        return token.toString();
    }

    /** The raw signature for {@code resource} (which is URL-encoded before signing). */
    public static byte[] signature(String base64Key, String resource, long expiresAtEpochSecond) {
        return hmac(base64Key, stringToSign(UrlEncoding.encode(resource), expiresAtEpochSecond));
    }

    static String stringToSign(String resourceAsSent, long expiresAtEpochSecond) {
        return resourceAsSent + "\n" + expiresAtEpochSecond;
    }

    static byte[] hmac(String base64Key, String stringToSign) {
        return hmac(Base64.getDecoder().decode(base64Key), stringToSign);
    }

    /**
     * As Event Hubs and Service Bus sign (their SDKs' shared key credentials): the key's text itself, as UTF-8, is the
     * HMAC key, where IoT Hub decodes it from base64 first. An IoT Hub policy key read by an Event Hubs client is
     * used that way on IoT Hub's Event Hubs-compatible endpoint.
     */
    public static String signAsEventHubs(String key, String resource, long expiresAtEpochSecond, String keyName) {
        String encodedResource = UrlEncoding.encode(resource);
        byte[] signature = hmac(key.getBytes(StandardCharsets.UTF_8), stringToSign(encodedResource, expiresAtEpochSecond));
        return SasToken.PREFIX + "sr=" + encodedResource
                + "&sig=" + UrlEncoding.encode(Base64.getEncoder().encodeToString(signature))
                + "&se=" + expiresAtEpochSecond + "&skn=" + UrlEncoding.encode(keyName);
    }

    static byte[] hmacWithTextKey(String key, String stringToSign) {
        return hmac(key.getBytes(StandardCharsets.UTF_8), stringToSign);
    }

    private static byte[] hmac(byte[] key, String stringToSign) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(key, HMAC_SHA256));
            return mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
