package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.IdentityId;

/** Hears every committed change of a device's desired properties, in version order. */
@FunctionalInterface
public interface DesiredPropertiesListener {

    /** {@code patch}: what changed (null members were removed); {@code version}: the desired properties' new $version. */
    void desiredPropertiesChanged(String deviceId, JsonObject patch, long version);

    /** A change of a device's or a module's desired properties; a listener of devices only ignores modules. */
    default void desiredPropertiesChanged(IdentityId owner, JsonObject patch, long version) {
        if (!owner.isModule()) {
            desiredPropertiesChanged(owner.deviceId(), patch, version);
        }
    }
}
