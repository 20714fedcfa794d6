package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/**
 * What a caller asks to set on a device: its authentication (SAS keys may be left out: generated on create, kept on
 * update), status and reason, and its place in an IoT Edge hierarchy as asked for (checked by
 * {@link EdgeHierarchyRules}).
 */
public record DeviceUpdate(RequestedAuthentication authentication, boolean enabled, String statusReason,
                           EdgeHierarchy edge) {

    public DeviceUpdate {
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(edge, "edge");
    }

    public DeviceUpdate(String primaryKey, String secondaryKey, boolean enabled, String statusReason,
                        EdgeHierarchy edge) {
        this(RequestedAuthentication.sas(primaryKey, secondaryKey), enabled, statusReason, edge);
    }

    public DeviceUpdate(String primaryKey, String secondaryKey, boolean enabled, String statusReason) {
        this(primaryKey, secondaryKey, enabled, statusReason, EdgeHierarchy.NONE);
    }

    public static DeviceUpdate enabledWithGeneratedKeys() {
        return new DeviceUpdate(null, null, true, null);
    }

    public String primaryKey() {
        return authentication.primaryKey();
    }

    public String secondaryKey() {
        return authentication.secondaryKey();
    }

    /** Keys come as a pair: IoT Hub has no device with only one. */
    public boolean hasKeys() {
        return authentication.hasKeys();
    }
}
