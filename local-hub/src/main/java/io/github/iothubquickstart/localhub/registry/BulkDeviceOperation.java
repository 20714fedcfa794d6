package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/** One device of a bulk registry operation: what to do ({@code mode}), with what, and the ETag it must match. */
public record BulkDeviceOperation(String deviceId, ImportMode mode, DeviceUpdate device, String eTag)
        implements BulkRegistryEntry {

    public BulkDeviceOperation {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(device, "device");
    }

    @Override
    public String moduleId() {
        return null;
    }
}
