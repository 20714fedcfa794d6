package io.github.iothubquickstart.localhub.registry;

/**
 * One entry of a bulk registry operation: a device ({@link BulkDeviceOperation}) or one module of a device
 * ({@link BulkModuleOperation}). IoT Hub names each identity once per call, a module by its device and module id.
 */
public sealed interface BulkRegistryEntry permits BulkDeviceOperation, BulkModuleOperation {
    String deviceId();

    /** The module the entry changes; null for a device entry. */
    String moduleId();

    ImportMode mode();

    /** The ETag an {@code ...IfMatchETag} mode must match, as sent (quoted or not); null when none was given. */
    String eTag();

    default IdentityId identity() {
        return new IdentityId(deviceId(), moduleId());
    }
}
