package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IoT Hub's bulk registry operation: create, update or delete up to 100 devices and modules in one call. As in IoT
 * Hub, the call is refused whole when it has too many entries or names one identity twice (a device by its id, a
 * module by its device and module id, so a device and its modules may share a call); otherwise the entries are
 * applied one by one in request order (a module may follow the device it belongs to), not all-or-nothing, through the
 * same single-identity operations (so a deleted, disabled or re-keyed device or module loses its connection), and the
 * entries that could not be applied come back as errors.
 */
public final class BulkRegistryOperations {
    public static final int MAX_DEVICES = 100;

    private final RegistryService registry;
    private final ModuleService modules;

    public BulkRegistryOperations(RegistryService registry, ModuleService modules) {
        this.registry = registry;
        this.modules = modules;
    }

    /**
     * @return the entries that were not applied, in request order; empty when every one was
     * @throws IotHubError 413002 for more than {@value #MAX_DEVICES} entries, 400011 for an identity named twice
     */
    public List<BulkDeviceError> apply(List<? extends BulkRegistryEntry> entries) {
        requireAcceptable(entries);
        List<BulkDeviceError> errors = new ArrayList<>();
        for (BulkRegistryEntry entry : entries) {
            try {
                if (entry instanceof BulkModuleOperation module) {
                    applyModule(module);
                } else {
                    applyDevice((BulkDeviceOperation) entry);
                }
            } catch (IotHubError e) {
                errors.add(new BulkDeviceError(entry.deviceId(), entry.moduleId(), e));
            }
        }
        return errors;
    }

    private void applyDevice(BulkDeviceOperation operation) {
        String deviceId = operation.deviceId();
        switch (operation.mode()) {
            case CREATE -> registry.create(deviceId, operation.device());
            case UPDATE -> registry.update(deviceId, operation.device(), null);
            case UPDATE_IF_MATCH_ETAG -> registry.update(deviceId, operation.device(), requireETag(operation));
            case DELETE -> registry.delete(deviceId, null);
            case DELETE_IF_MATCH_ETAG -> registry.delete(deviceId, requireETag(operation));
        }
    }

    private void applyModule(BulkModuleOperation operation) {
        String deviceId = operation.deviceId();
        String moduleId = operation.moduleId();
        switch (operation.mode()) {
            case CREATE -> modules.create(deviceId, moduleId, operation.module());
            case UPDATE -> modules.update(deviceId, moduleId, operation.module(), null);
            case UPDATE_IF_MATCH_ETAG -> modules.update(deviceId, moduleId, operation.module(), requireETag(operation));
            case DELETE -> modules.delete(deviceId, moduleId, null);
            case DELETE_IF_MATCH_ETAG -> modules.delete(deviceId, moduleId, requireETag(operation));
        }
    }

    private static String requireETag(BulkRegistryEntry entry) {
        String eTag = ETags.unquote(entry.eTag());
        if (eTag == null) {
            throw IotHubErrors.argumentInvalid("importMode " + entry.mode().wireName() + " needs the "
                    + (entry.moduleId() == null ? "device" : "module") + "'s eTag; read it and send its ETag, or use "
                    + (entry.mode() == ImportMode.DELETE_IF_MATCH_ETAG ? "delete" : "update") + ".");
        }
        return eTag;
    }

    private static void requireAcceptable(List<? extends BulkRegistryEntry> entries) {
        if (entries.size() > MAX_DEVICES) {
            throw IotHubErrors.tooManyDevices("A bulk registry operation takes at most " + MAX_DEVICES
                    + " devices and modules; this one has " + entries.size() + ". Split it into several calls.");
        }
        Set<IdentityId> seen = new HashSet<>();
        for (BulkRegistryEntry entry : entries) {
            if (!seen.add(entry.identity())) {
                throw IotHubErrors.deviceDefinedMultipleTimes(describe(entry)
                        + " appears more than once in the bulk registry operation; name each device and module once.");
            }
        }
    }

    private static String describe(BulkRegistryEntry entry) {
        return entry.moduleId() == null ? "Device " + entry.deviceId()
                : "Module " + entry.moduleId() + " of device " + entry.deviceId();
    }
}
