package io.github.iothubquickstart.localhub.registry;

import java.util.List;
import java.util.Optional;

/** The hub's device identities and shared access policies. Implementations are thread-safe. */
public interface DeviceRegistry {

    Optional<DeviceIdentity> findDevice(String deviceId);

    /** All devices, sorted by id. */
    List<DeviceIdentity> listDevices();

    /**
     * Registers a device with fresh random keys.
     *
     * @throws DeviceAlreadyExistsException if the id is taken
     * @throws IllegalArgumentException if the id is not a valid device id
     */
    default DeviceIdentity createDevice(String deviceId) {
        return createDevice(deviceId, Authentication.randomSas());
    }

    /**
     * Registers a device with the given base64 keys (each 16 to 64 bytes, as in IoT Hub).
     *
     * @throws DeviceAlreadyExistsException if the id is taken
     * @throws IllegalArgumentException if the id or a key is invalid
     */
    default DeviceIdentity createDevice(String deviceId, String primaryKey, String secondaryKey) {
        return createDevice(deviceId, Authentication.sas(primaryKey, secondaryKey));
    }

    /**
     * Registers an enabled device with the given credentials ({@link Authentication#requireValid()}).
     *
     * @throws DeviceAlreadyExistsException if the id is taken
     * @throws IllegalArgumentException if the id or a credential is invalid
     */
    DeviceIdentity createDevice(String deviceId, Authentication authentication);

    /** @return whether a device was deleted */
    boolean deleteDevice(String deviceId);

    /** @throws DeviceNotFoundException if there is no such device */
    DeviceIdentity setEnabled(String deviceId, boolean enabled);

    /**
     * Replaces a device's keys, status and status reason (null for none).
     *
     * @throws DeviceNotFoundException if there is no such device
     * @throws IllegalArgumentException if a key is invalid
     */
    default DeviceIdentity updateDevice(String deviceId, String primaryKey, String secondaryKey, boolean enabled,
                                        String statusReason) {
        return updateDevice(deviceId, Authentication.sas(primaryKey, secondaryKey), enabled, statusReason);
    }

    /**
     * Replaces a device's credentials, status and status reason (null for none).
     *
     * @throws DeviceNotFoundException if there is no such device
     * @throws IllegalArgumentException if a credential is invalid
     */
    DeviceIdentity updateDevice(String deviceId, Authentication authentication, boolean enabled, String statusReason);

    /**
     * Replaces a device's place in an IoT Edge hierarchy (already checked against IoT Hub's rules).
     *
     * @throws DeviceNotFoundException if there is no such device
     */
    DeviceIdentity setEdgeHierarchy(String deviceId, EdgeHierarchy edge);

    Optional<SharedAccessPolicy> findPolicy(String name);

    /** All policies, sorted by name. */
    List<SharedAccessPolicy> listPolicies();
}
