package io.github.iothubquickstart.localhub.importexport;

import java.util.Locale;
import java.util.Optional;

/**
 * How the hub reaches the job's containers ({@code storageAuthenticationType}): with the SAS token in the container
 * URI (keyBased, IoT Hub's default), or with the hub's own identity (identityBased: a URI without a SAS).
 */
public enum StorageAuthentication {
    KEY_BASED("keyBased"),
    IDENTITY_BASED("identityBased");

    private final String wireName;

    StorageAuthentication(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The Java SDK sends keyBased/identityBased, the Node SDK IdentityBased: IoT Hub takes either case. */
    public static Optional<StorageAuthentication> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (StorageAuthentication type : values()) {
            if (type.wireName.toLowerCase(Locale.ROOT).equals(lower)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
