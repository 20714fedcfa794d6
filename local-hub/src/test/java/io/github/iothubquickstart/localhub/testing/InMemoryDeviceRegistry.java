package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.InitialRegistry;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A device registry in memory with the same rules as the SQLite one (id and key checks, duplicates refused). */
public final class InMemoryDeviceRegistry implements DeviceRegistry {
    private final Clock clock;
    private final Map<String, DeviceIdentity> devices = new TreeMap<>();
    private final Map<String, SharedAccessPolicy> policies = new TreeMap<>();

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

    private DeviceIdentity existing(String deviceId) {
        DeviceIdentity current = devices.get(deviceId);
        if (current == null) {
            throw new DeviceNotFoundException(deviceId);
        }
        return current;
    }
}
