package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.InitialRegistry;
import io.github.iothubquickstart.localhub.registry.ModuleAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A device and module registry in memory with the same rules as the SQLite one (id and key checks, duplicates refused,
 * modules deleted with their device).
 */
public final class InMemoryDeviceRegistry implements DeviceRegistry, ModuleRegistry {
    private final Clock clock;
    private final Map<String, DeviceIdentity> devices = new TreeMap<>();
    private final Map<String, SharedAccessPolicy> policies = new TreeMap<>();
    /** Keyed by device id, then module id. */
    private final Map<String, Map<String, ModuleIdentity>> modules = new TreeMap<>();

    public InMemoryDeviceRegistry(Clock clock) {
        this.clock = clock;
        InitialRegistry.policies().forEach(policy -> policies.put(policy.name(), policy));
    }

    @Override
    public synchronized Optional<DeviceIdentity> findDevice(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }

    @Override
    public synchronized List<DeviceIdentity> listDevices() {
        return new ArrayList<>(devices.values());
    }

    @Override
    public synchronized DeviceIdentity createDevice(String deviceId, Authentication authentication) {
        DeviceIds.requireValid(deviceId);
        authentication.requireValid();
        if (devices.containsKey(deviceId)) {
            throw new DeviceAlreadyExistsException(deviceId);
        }
        DeviceIdentity created = new DeviceIdentity(deviceId, authentication, true, clock.instant(), null,
                EdgeHierarchy.NONE);
        devices.put(deviceId, created);
        return created;
    }

    @Override
    public synchronized boolean deleteDevice(String deviceId) {
        modules.remove(deviceId);
        return devices.remove(deviceId) != null;
    }

    @Override
    public synchronized DeviceIdentity setEnabled(String deviceId, boolean enabled) {
        DeviceIdentity current = existing(deviceId);
        return updateDevice(deviceId, current.authentication(), enabled, current.statusReason());
    }

    @Override
    public synchronized DeviceIdentity updateDevice(String deviceId, Authentication authentication,
                                                    boolean enabled, String statusReason) {
        DeviceIdentity current = existing(deviceId);
        authentication.requireValid();
        DeviceIdentity updated = new DeviceIdentity(deviceId, authentication, enabled,
                current.createdAt(), statusReason, current.edge());
        devices.put(deviceId, updated);
        return updated;
    }

    @Override
    public synchronized DeviceIdentity setEdgeHierarchy(String deviceId, EdgeHierarchy edge) {
        DeviceIdentity updated = existing(deviceId).withEdge(edge);
        devices.put(deviceId, updated);
        return updated;
    }

    @Override
    public synchronized Optional<SharedAccessPolicy> findPolicy(String name) {
        return Optional.ofNullable(policies.get(name));
    }

    @Override
    public synchronized List<SharedAccessPolicy> listPolicies() {
        return new ArrayList<>(policies.values());
    }

    @Override
    public synchronized Optional<ModuleIdentity> findModule(String deviceId, String moduleId) {
        return Optional.ofNullable(modules.getOrDefault(deviceId, Map.of()).get(moduleId));
    }

    @Override
    public synchronized List<ModuleIdentity> listModules(String deviceId) {
        return new ArrayList<>(modules.getOrDefault(deviceId, Map.of()).values());
    }

    @Override
    public synchronized ModuleIdentity createModule(String deviceId, String moduleId, Authentication authentication,
                                                    String managedBy) {
        existing(deviceId);
        DeviceIds.requireValid(moduleId);
        authentication.requireValid();
        Map<String, ModuleIdentity> ofDevice = modules.computeIfAbsent(deviceId, id -> new TreeMap<>());
        if (ofDevice.containsKey(moduleId)) {
            throw new ModuleAlreadyExistsException(deviceId, moduleId);
        }
        ModuleIdentity created = new ModuleIdentity(deviceId, moduleId, authentication, managedBy, clock.instant());
        ofDevice.put(moduleId, created);
        return created;
    }

    @Override
    public synchronized ModuleIdentity updateModule(String deviceId, String moduleId, Authentication authentication,
                                                    String managedBy) {
        ModuleIdentity current = findModule(deviceId, moduleId)
                .orElseThrow(() -> new ModuleNotFoundException(deviceId, moduleId));
        authentication.requireValid();
        ModuleIdentity updated = new ModuleIdentity(deviceId, moduleId, authentication, managedBy,
                current.createdAt());
        modules.get(deviceId).put(moduleId, updated);
        return updated;
    }

    @Override
    public synchronized boolean deleteModule(String deviceId, String moduleId) {
        Map<String, ModuleIdentity> ofDevice = modules.get(deviceId);
        return ofDevice != null && ofDevice.remove(moduleId) != null;
    }

    private DeviceIdentity existing(String deviceId) {
        DeviceIdentity current = devices.get(deviceId);
        if (current == null) {
            throw new DeviceNotFoundException(deviceId);
        }
        return current;
    }
}
