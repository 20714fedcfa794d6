package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/** One module of a bulk registry operation: what to do ({@code mode}), with what, and the ETag it must match. */
public record BulkModuleOperation(String deviceId, String moduleId, ImportMode mode, ModuleUpdate module, String eTag)
        implements BulkRegistryEntry {

    public BulkModuleOperation {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(moduleId, "moduleId");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(module, "module");
    }
}
