package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ServiceConnectionString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shared access signatures for a service policy, in the same form as the service SDK's own:
 * {@code SharedAccessSignature sr=<host>&sig=<sig>&se=<epoch>&skn=<policy>}, where
 * {@code sig = base64(HMAC-SHA256(base64decode(key), urlencode(sr) + "\n" + se))}. The resource is the host name
 * without any port.
 */
public final class ServiceSasTokenFactory {

    /** Long enough for any single CLI call. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(1);

    private final Clock clock;

    public ServiceSasTokenFactory(Clock clock) {
        this.clock = clock;
    }

    public String create(ServiceConnectionString connectionString, Duration validity) {
        long expiry = clock.instant().getEpochSecond() + validity.toSeconds();
        // Lower case like the SDK: the hub compares the resource case-insensitively but signs what we send.
        String resource = urlEncode(connectionString.hostName().toLowerCase(Locale.ROOT));
        String signature = sign(connectionString.sharedAccessKey(), resource + "\n" + expiry);
        return "SharedAccessSignature sr=" + resource + "&sig=" + urlEncode(signature) + "&se=" + expiry
                + "&skn=" + connectionString.sharedAccessKeyName();
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
