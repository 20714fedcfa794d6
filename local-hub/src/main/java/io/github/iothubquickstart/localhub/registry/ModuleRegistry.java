package io.github.iothubquickstart.localhub.registry;

import java.util.List;
import java.util.Optional;

/**
 * The modules of registered devices. A module lives as long as its device: deleting the device deletes its modules
 * and their twins. Implementations are thread-safe.
 */
public interface ModuleRegistry {

    Optional<ModuleIdentity> findModule(String deviceId, String moduleId);

    /** The device's modules, sorted by module id; empty when it has none or does not exist. */
    List<ModuleIdentity> listModules(String deviceId);

    /**
     * Registers a module with the given base64 keys, or fresh random ones when both are null.
     *
     * @throws DeviceNotFoundException if the device is not registered
     * @throws ModuleAlreadyExistsException if the device already has a module with that id
     * @throws IllegalArgumentException if the module id or a key is invalid
     */
    default ModuleIdentity createModule(String deviceId, String moduleId, String primaryKey, String secondaryKey,
                                        String managedBy) {
        return createModule(deviceId, moduleId, Authentication.sas(
                primaryKey == null ? SymmetricKeys.random() : primaryKey,
                secondaryKey == null ? SymmetricKeys.random() : secondaryKey), managedBy);
    }

    /**
     * Registers a module with the given credentials ({@link Authentication#requireValid()}).
     *
     * @throws DeviceNotFoundException if the device is not registered
     * @throws ModuleAlreadyExistsException if the device already has a module with that id
     * @throws IllegalArgumentException if the module id or a credential is invalid
     */
    ModuleIdentity createModule(String deviceId, String moduleId, Authentication authentication, String managedBy);

    /**
     * Replaces a module's keys and managedBy.
     *
     * @throws ModuleNotFoundException if there is no such module
     * @throws IllegalArgumentException if a key is invalid
     */
    default ModuleIdentity updateModule(String deviceId, String moduleId, String primaryKey, String secondaryKey,
                                        String managedBy) {
        return updateModule(deviceId, moduleId, Authentication.sas(primaryKey, secondaryKey), managedBy);
    }

    /**
     * Replaces a module's credentials and managedBy.
     *
     * @throws ModuleNotFoundException if there is no such module
     * @throws IllegalArgumentException if a credential is invalid
     */
    ModuleIdentity updateModule(String deviceId, String moduleId, Authentication authentication, String managedBy);

    /** Deletes the module and its twin; returns whether there was one. */
    boolean deleteModule(String deviceId, String moduleId);
}
