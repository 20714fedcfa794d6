package io.github.iothubquickstart.localhub.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A device's key in a symmetric key enrollment group, as DPS and Azure's samples derive it:
 * base64(HMAC-SHA256(key = base64-decoded group key, message = registration id)).
 */
public final class DerivedKeys {
    private DerivedKeys() {
    }

    /** @throws IllegalArgumentException if the group key is not base64 */
    public static String derive(String base64GroupKey, String registrationId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64GroupKey), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(registrationId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
