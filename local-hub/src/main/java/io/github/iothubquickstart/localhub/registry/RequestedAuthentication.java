package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/**
 * The {@code authentication} a create or update asks for. Symmetric keys come as a pair, or not at all: then a new
 * SAS identity gets fresh random keys and an existing one keeps its own.
 */
public record RequestedAuthentication(AuthenticationType type, String primaryKey, String secondaryKey,
                                      String primaryThumbprint, String secondaryThumbprint) {

    public static final RequestedAuthentication GENERATED_KEYS = sas(null, null);

    public RequestedAuthentication {
        Objects.requireNonNull(type, "type");
    }

    public static RequestedAuthentication sas(String primaryKey, String secondaryKey) {
        return new RequestedAuthentication(AuthenticationType.SAS, primaryKey, secondaryKey, null, null);
    }

    public boolean hasKeys() {
        return primaryKey != null && secondaryKey != null;
    }

    /**
     * The credentials to store, given what the identity has now (null when it is being created).
     *
     * @throws IllegalArgumentException if the request does not fit its type or breaks IoT Hub's rules
     */
    public Authentication resolve(Authentication current) {
        Authentication resolved = switch (type) {
            case SAS -> {
                absent("thumbprints", primaryThumbprint, secondaryThumbprint);
                yield hasKeys() ? Authentication.sas(primaryKey, secondaryKey)
                        : current != null && current.type() == AuthenticationType.SAS ? current
                        : Authentication.randomSas();
            }
            case SELF_SIGNED -> new Authentication(type, absent("symmetric keys", primaryKey, secondaryKey), null,
                    primaryThumbprint, secondaryThumbprint);
            case CERTIFICATE_AUTHORITY -> new Authentication(type, absent("symmetric keys", primaryKey, secondaryKey),
                    null, absent("thumbprints", primaryThumbprint, secondaryThumbprint), null);
        };
        return resolved.requireValid();
    }

    /** Refuses members that do not belong to the type, rather than dropping them unseen. */
    private String absent(String what, String primary, String secondary) {
        if (primary != null || secondary != null) {
            throw new IllegalArgumentException("a " + type.wireName() + " identity takes no " + what);
        }
        return null;
    }
}
