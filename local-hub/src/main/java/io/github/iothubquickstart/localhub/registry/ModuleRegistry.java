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
    ModuleIdentity createModule(String deviceId, String moduleId, String primaryKey, String secondaryKey,
                                String managedBy);

    /**
     * Replaces a module's keys and managedBy.
     *
     * @throws ModuleNotFoundException if there is no such module
     * @throws IllegalArgumentException if a key is invalid
     */
    ModuleIdentity updateModule(String deviceId, String moduleId, String primaryKey, String secondaryKey,
                                String managedBy);

    /** Deletes the module and its twin; returns whether there was one. */
    boolean deleteModule(String deviceId, String moduleId);
}
