package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/**
 * What a caller asks to set on a device: keys (null: generate on create, keep on update), status and reason, and its
 * place in an IoT Edge hierarchy as asked for (checked by {@link EdgeHierarchyRules}).
 */
public record DeviceUpdate(String primaryKey, String secondaryKey, boolean enabled, String statusReason,
                           EdgeHierarchy edge) {

    public DeviceUpdate {
        Objects.requireNonNull(edge, "edge");
    }

    public DeviceUpdate(String primaryKey, String secondaryKey, boolean enabled, String statusReason) {
        this(primaryKey, secondaryKey, enabled, statusReason, EdgeHierarchy.NONE);
    }

    public static DeviceUpdate enabledWithGeneratedKeys() {
        return new DeviceUpdate(null, null, true, null);
    }

    /** Keys come as a pair: IoT Hub has no device with only one. */
    public boolean hasKeys() {
        return primaryKey != null && secondaryKey != null;
    }
}
