package io.github.iothubquickstart.localhub.registry;

import java.security.SecureRandom;
import java.util.Base64;

/** Random base64 symmetric keys, and the IoT Hub rule for supplied keys. */
public final class SymmetricKeys {

    private static final int GENERATED_KEY_BYTES = 32;
    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SymmetricKeys() {
    }

    public static String random() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** @throws IllegalArgumentException unless the key is base64 of 16 to 64 bytes */
    public static void requireValid(String which, String base64Key) {
        byte[] decoded;
        try {
            decoded = base64Key == null ? null : Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + " is not valid base64");
        }
        if (decoded == null || decoded.length < MIN_KEY_BYTES || decoded.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException(which + " must be base64 of " + MIN_KEY_BYTES + " to "
                    + MAX_KEY_BYTES + " bytes");
        }
    }
}
