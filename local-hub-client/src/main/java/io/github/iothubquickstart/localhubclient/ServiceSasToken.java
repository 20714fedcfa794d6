package io.github.iothubquickstart.localhubclient;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A service SAS token, as IoT Hub and the service SDK write it:
 * {@code SharedAccessSignature sr=<host>&sig=<sig>&se=<epoch>&skn=<policy>}, where
 * {@code sig = base64(HMAC-SHA256(base64decode(key), urlencode(sr) + "\n" + se))} and the resource is the host name
 * without any port.
 */
public final class ServiceSasToken {

    private ServiceSasToken() {
    }

    public static String create(String hostName, PolicyKey policy, Instant expiry) {
        long se = expiry.getEpochSecond();
        String resource = urlEncode(hostName.toLowerCase(Locale.ROOT));
        String signature = sign(policy.key(), resource + "\n" + se);
        return "SharedAccessSignature sr=" + resource + "&sig=" + urlEncode(signature) + "&se=" + se
                + "&skn=" + urlEncode(policy.name());
    }

    private static String sign(String base64Key, String toSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
