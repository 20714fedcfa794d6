package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;

/** Hears every committed change of a device's desired properties, in version order. */
@FunctionalInterface
public interface DesiredPropertiesListener {

    /** {@code patch}: what changed (null members were removed); {@code version}: the desired properties' new $version. */
    void desiredPropertiesChanged(String deviceId, JsonObject patch, long version);
}
