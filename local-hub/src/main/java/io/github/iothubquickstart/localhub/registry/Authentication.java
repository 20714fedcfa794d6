package io.github.iothubquickstart.localhub.registry;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The credentials an identity is registered with: two symmetric keys (base64) for {@link AuthenticationType#SAS}, a
 * primary and/or secondary certificate thumbprint (hex SHA-1 or SHA-256) for {@link AuthenticationType#SELF_SIGNED},
 * nothing for {@link AuthenticationType#CERTIFICATE_AUTHORITY}. Members that do not belong to the type are null.
 */
public record Authentication(AuthenticationType type, String primaryKey, String secondaryKey,
                             String primaryThumbprint, String secondaryThumbprint) {

    /** IoT Hub takes SHA-1 (40 hex digits) and SHA-256 (64) thumbprints. */
    private static final Pattern THUMBPRINT = Pattern.compile("[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}");

    public Authentication {
        Objects.requireNonNull(type, "type");
        boolean sas = type == AuthenticationType.SAS;
        if (sas != (primaryKey != null) || sas != (secondaryKey != null)) {
            throw new IllegalArgumentException(sas ? "a sas identity has both symmetric keys"
                    : "a " + type.wireName() + " identity has no symmetric keys");
        }
        boolean selfSigned = type == AuthenticationType.SELF_SIGNED;
        if (selfSigned && primaryThumbprint == null && secondaryThumbprint == null) {
            throw new IllegalArgumentException("a selfSigned identity needs a primary or secondary thumbprint");
        }
        if (!selfSigned && (primaryThumbprint != null || secondaryThumbprint != null)) {
            throw new IllegalArgumentException("a " + type.wireName() + " identity has no thumbprints");
        }
    }

    public static Authentication sas(String primaryKey, String secondaryKey) {
        return new Authentication(AuthenticationType.SAS, primaryKey, secondaryKey, null, null);
    }

    public static Authentication randomSas() {
        return sas(SymmetricKeys.random(), SymmetricKeys.random());
    }

    public static Authentication selfSigned(String primaryThumbprint, String secondaryThumbprint) {
        return new Authentication(AuthenticationType.SELF_SIGNED, null, null, primaryThumbprint, secondaryThumbprint);
    }

    public static Authentication certificateAuthority() {
        return new Authentication(AuthenticationType.CERTIFICATE_AUTHORITY, null, null, null, null);
    }

    /** The keys a SAS token may be signed with, primary first; none for an X.509 identity. */
    public List<String> keys() {
        return type == AuthenticationType.SAS ? List.of(primaryKey, secondaryKey) : List.of();
    }

    /**
     * IoT Hub's rules for what a caller supplies: keys base64 of 16 to 64 bytes; thumbprints 40 or 64 hex digits,
     * both of one length when both are given.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public Authentication requireValid() {
        if (type == AuthenticationType.SAS) {
            SymmetricKeys.requireValid("primary key", primaryKey);
            SymmetricKeys.requireValid("secondary key", secondaryKey);
        }
        requireThumbprint("primary thumbprint", primaryThumbprint);
        requireThumbprint("secondary thumbprint", secondaryThumbprint);
        if (primaryThumbprint != null && secondaryThumbprint != null
                && primaryThumbprint.length() != secondaryThumbprint.length()) {
            throw new IllegalArgumentException("primary and secondary thumbprint must be of one kind (both SHA-1 or"
                    + " both SHA-256)");
        }
        return this;
    }

    private static void requireThumbprint(String which, String thumbprint) {
        if (thumbprint != null && !THUMBPRINT.matcher(thumbprint).matches()) {
            throw new IllegalArgumentException(which + " must be 40 (SHA-1) or 64 (SHA-256) hexadecimal digits, not \""
                    + thumbprint + "\"");
        }
    }

    /** What the ETag of an identity covers beyond its keys (empty for SAS, so SAS ETags stay as they were). */
    String etagContent() {
        return type == AuthenticationType.SAS ? ""
                : "\n" + type.wireName() + '\n' + Objects.toString(primaryThumbprint, "") + '\n'
                + Objects.toString(secondaryThumbprint, "");
    }
}
