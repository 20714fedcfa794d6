package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IoT Hub's bulk registry operation: create, update or delete up to 100 devices in one call. As in IoT Hub, the call
 * is refused whole when it names too many devices or one device twice; otherwise each device is changed on its own
 * (not all-or-nothing), through the same single-device operations (so a deleted, disabled or re-keyed device loses
 * its connection), and the devices that could not be changed come back as errors.
 */
public final class BulkRegistryOperations {
    public static final int MAX_DEVICES = 100;

    private final RegistryService registry;

    public BulkRegistryOperations(RegistryService registry) {
        this.registry = registry;
    }

    /**
     * @return the devices that were not changed, in request order; empty when every one was
     * @throws IotHubError 413002 for more than {@value #MAX_DEVICES} devices, 400011 for a device named twice
     */
    public List<BulkDeviceError> apply(List<BulkDeviceOperation> operations) {
        requireAcceptable(operations);
        List<BulkDeviceError> errors = new ArrayList<>();
        for (BulkDeviceOperation operation : operations) {
            try {
                applyOne(operation);
            } catch (IotHubError e) {
                errors.add(new BulkDeviceError(operation.deviceId(), e));
            }
        }
        return errors;
    }

    private void applyOne(BulkDeviceOperation operation) {
        String deviceId = operation.deviceId();
        switch (operation.mode()) {
            case CREATE -> registry.create(deviceId, operation.device());
            case UPDATE -> registry.update(deviceId, operation.device(), null);
            case UPDATE_IF_MATCH_ETAG -> registry.update(deviceId, operation.device(), requireETag(operation));
            case DELETE -> registry.delete(deviceId, null);
            case DELETE_IF_MATCH_ETAG -> registry.delete(deviceId, requireETag(operation));
        }
    }

    private static String requireETag(BulkDeviceOperation operation) {
        String eTag = ETags.unquote(operation.eTag());
        if (eTag == null) {
            throw IotHubErrors.argumentInvalid("importMode " + operation.mode().wireName() + " needs the device's"
                    + " eTag; read the device and send its ETag, or use "
                    + (operation.mode() == ImportMode.DELETE_IF_MATCH_ETAG ? "delete" : "update") + ".");
        }
        return eTag;
    }

    private static void requireAcceptable(List<BulkDeviceOperation> operations) {
        if (operations.size() > MAX_DEVICES) {
            throw IotHubErrors.tooManyDevices("A bulk registry operation takes at most " + MAX_DEVICES
                    + " devices; this one has " + operations.size() + ". Split it into several calls.");
        }
        Set<String> seen = new HashSet<>();
        for (BulkDeviceOperation operation : operations) {
            if (!seen.add(operation.deviceId())) {
                throw IotHubErrors.deviceDefinedMultipleTimes("Device " + operation.deviceId()
                        + " appears more than once in the bulk registry operation; name each device once.");
            }
        }
    }
}
