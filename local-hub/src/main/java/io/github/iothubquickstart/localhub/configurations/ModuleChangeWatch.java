package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The module registry, telling {@link ConfigurationTriggers} after a module is created, changed or deleted, so module
 * configurations are evaluated for it as device configurations are for a device.
 */
public final class ModuleChangeWatch implements ModuleRegistry {
    private final ModuleRegistry modules;
    private final ConfigurationTriggers triggers;

    public ModuleChangeWatch(ModuleRegistry modules, ConfigurationTriggers triggers) {
        this.modules = modules;
        this.triggers = triggers;
    }

    @Override
    public Optional<ModuleIdentity> findModule(String deviceId, String moduleId) {
        return modules.findModule(deviceId, moduleId);
    }

    @Override
    public List<ModuleIdentity> listModules(String deviceId) {
        return modules.listModules(deviceId);
    }

    @Override
    public ModuleIdentity createModule(String deviceId, String moduleId, Authentication authentication,
                                       String managedBy) {
        ModuleIdentity created = modules.createModule(deviceId, moduleId, authentication, managedBy);
        triggers.identityChanged(IdentityId.module(deviceId, moduleId));
        return created;
    }

    @Override
    public ModuleIdentity updateModule(String deviceId, String moduleId, Authentication authentication,
                                       String managedBy) {
        ModuleIdentity updated = modules.updateModule(deviceId, moduleId, authentication, managedBy);
        triggers.identityChanged(IdentityId.module(deviceId, moduleId));
        return updated;
    }

    @Override
    public boolean deleteModule(String deviceId, String moduleId) {
        boolean deleted = modules.deleteModule(deviceId, moduleId);
        triggers.identityChanged(IdentityId.module(deviceId, moduleId));
        return deleted;
    }
}
