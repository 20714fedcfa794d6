package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/**
 * What a caller asks to set on a module: its authentication (SAS keys may be left out: generated on create, kept on
 * update) and managedBy.
 */
public record ModuleUpdate(RequestedAuthentication authentication, String managedBy) {

    public ModuleUpdate {
        Objects.requireNonNull(authentication, "authentication");
    }

    public ModuleUpdate(String primaryKey, String secondaryKey, String managedBy) {
        this(RequestedAuthentication.sas(primaryKey, secondaryKey), managedBy);
    }

    public String primaryKey() {
        return authentication.primaryKey();
    }

    public String secondaryKey() {
        return authentication.secondaryKey();
    }

    /** Keys come as a pair, as for devices. */
    public boolean hasKeys() {
        return authentication.hasKeys();
    }
}
