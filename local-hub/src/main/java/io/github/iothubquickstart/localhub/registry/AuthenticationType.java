package io.github.iothubquickstart.localhub.registry;

import java.util.Arrays;
import java.util.Optional;

/** How an identity proves who it is, by IoT Hub's names for it in the registry JSON ({@code authentication.type}). */
public enum AuthenticationType {
    /** Symmetric keys: SAS tokens signed with one of them. */
    SAS("sas"),
    /** An X.509 certificate whose thumbprint the identity holds. */
    SELF_SIGNED("selfSigned"),
    /** An X.509 certificate signed by a CA the hub trusts; the identity holds nothing. */
    CERTIFICATE_AUTHORITY("certificateAuthority");

    private final String wireName;

    AuthenticationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Case-insensitive, as IoT Hub reads it; empty for a name it does not know. */
    public static Optional<AuthenticationType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equalsIgnoreCase(name)).findFirst();
    }
}
