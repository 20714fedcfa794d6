package io.github.iothubquickstart.localhub.testing;

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
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
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
    public DeviceIdentity createDevice(String deviceId) {
        return createDevice(deviceId, SymmetricKeys.random(), SymmetricKeys.random());
    }

    @Override
    public synchronized DeviceIdentity createDevice(String deviceId, String primaryKey, String secondaryKey) {
        DeviceIds.requireValid(deviceId);
        SymmetricKeys.requireValid("primary key", primaryKey);
        SymmetricKeys.requireValid("secondary key", secondaryKey);
        if (devices.containsKey(deviceId)) {
            throw new DeviceAlreadyExistsException(deviceId);
        }
        DeviceIdentity created = new DeviceIdentity(deviceId, primaryKey, secondaryKey, true, clock.instant());
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
        return updateDevice(deviceId, current.primaryKey(), current.secondaryKey(), enabled, current.statusReason());
    }

    @Override
    public synchronized DeviceIdentity updateDevice(String deviceId, String primaryKey, String secondaryKey,
                                                    boolean enabled, String statusReason) {
        DeviceIdentity current = existing(deviceId);
        SymmetricKeys.requireValid("primary key", primaryKey);
        SymmetricKeys.requireValid("secondary key", secondaryKey);
        DeviceIdentity updated = new DeviceIdentity(deviceId, primaryKey, secondaryKey, enabled,
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
    public synchronized ModuleIdentity createModule(String deviceId, String moduleId, String primaryKey,
                                                    String secondaryKey, String managedBy) {
        existing(deviceId);
        DeviceIds.requireValid(moduleId);
        String primary = primaryKey == null ? SymmetricKeys.random() : primaryKey;
        String secondary = secondaryKey == null ? SymmetricKeys.random() : secondaryKey;
        SymmetricKeys.requireValid("primary key", primary);
        SymmetricKeys.requireValid("secondary key", secondary);
        Map<String, ModuleIdentity> ofDevice = modules.computeIfAbsent(deviceId, id -> new TreeMap<>());
        if (ofDevice.containsKey(moduleId)) {
            throw new ModuleAlreadyExistsException(deviceId, moduleId);
        }
        ModuleIdentity created = new ModuleIdentity(deviceId, moduleId, primary, secondary, managedBy, clock.instant());
        ofDevice.put(moduleId, created);
        return created;
    }

    @Override
    public synchronized ModuleIdentity updateModule(String deviceId, String moduleId, String primaryKey,
                                                    String secondaryKey, String managedBy) {
        ModuleIdentity current = findModule(deviceId, moduleId)
                .orElseThrow(() -> new ModuleNotFoundException(deviceId, moduleId));
        SymmetricKeys.requireValid("primary key", primaryKey);
        SymmetricKeys.requireValid("secondary key", secondaryKey);
        ModuleIdentity updated = new ModuleIdentity(deviceId, moduleId, primaryKey, secondaryKey, managedBy,
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
