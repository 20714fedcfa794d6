package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.util.List;
import java.util.Optional;

/**
 * The device registry, telling {@link ConfigurationTriggers} after a device is created, changed (status, Edge
 * capability: target conditions may name them) or deleted.
 */
public final class RegistryChangeWatch implements DeviceRegistry {
    private final DeviceRegistry registry;
    private final ConfigurationTriggers triggers;

    public RegistryChangeWatch(DeviceRegistry registry, ConfigurationTriggers triggers) {
        this.registry = registry;
        this.triggers = triggers;
    }

    @Override
    public Optional<DeviceIdentity> findDevice(String deviceId) {
        return registry.findDevice(deviceId);
    }

    @Override
    public List<DeviceIdentity> listDevices() {
        return registry.listDevices();
    }

    @Override
    public DeviceIdentity createDevice(String deviceId, Authentication authentication) {
        return changed(deviceId, registry.createDevice(deviceId, authentication));
    }

    @Override
    public boolean deleteDevice(String deviceId) {
        boolean deleted = registry.deleteDevice(deviceId);
        triggers.deviceChanged(deviceId);
        return deleted;
    }

    @Override
    public DeviceIdentity setEnabled(String deviceId, boolean enabled) {
        return changed(deviceId, registry.setEnabled(deviceId, enabled));
    }

    @Override
    public DeviceIdentity updateDevice(String deviceId, Authentication authentication, boolean enabled,
                                       String statusReason) {
        return changed(deviceId, registry.updateDevice(deviceId, authentication, enabled, statusReason));
    }

    @Override
    public DeviceIdentity setEdgeHierarchy(String deviceId, EdgeHierarchy edge) {
        return changed(deviceId, registry.setEdgeHierarchy(deviceId, edge));
    }

    @Override
    public Optional<SharedAccessPolicy> findPolicy(String name) {
        return registry.findPolicy(name);
    }

    @Override
    public List<SharedAccessPolicy> listPolicies() {
        return registry.listPolicies();
    }

    private DeviceIdentity changed(String deviceId, DeviceIdentity identity) {
        triggers.deviceChanged(deviceId);
        return identity;
    }
}
