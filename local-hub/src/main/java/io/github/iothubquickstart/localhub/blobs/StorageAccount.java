package io.github.iothubquickstart.localhub.blobs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A storage account's name and key: what signs Shared Key requests and service SAS tokens (HMAC-SHA256 with the
 * base64-decoded key, as Azure Storage does).
 */
public final class StorageAccount {
    private final String name;
    private final byte[] key;

    public StorageAccount(String name, String base64Key) {
        this.name = Objects.requireNonNull(name);
        try {
            this.key = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The storage account key of " + name + " is not base64.", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("The storage account key of " + name + " is empty.");
        }
    }

    public String name() {
        return name;
    }

    public String base64Key() {
        return Base64.getEncoder().encodeToString(key);
    }

    /** Base64 of HMAC-SHA256(key, UTF-8 of {@code stringToSign}). */
    public String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Whether {@code signature} is this account's signature of {@code stringToSign}, compared in constant time. */
    public boolean signed(String stringToSign, String signature) {
        return signature != null && MessageDigest.isEqual(sign(stringToSign).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "StorageAccount[" + name + "]";
    }
}
