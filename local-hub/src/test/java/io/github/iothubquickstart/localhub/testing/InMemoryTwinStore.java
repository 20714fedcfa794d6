package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Twins in memory, with the SQLite store's contract: a twin exists while its device (or module) is registered, an update is
 * serialised and all or nothing, and a change that returns its argument writes nothing. Counts the writes.
 */
public final class InMemoryTwinStore implements TwinStore {
    private final InMemoryDeviceRegistry registry;
    private final Clock clock;
    private final Map<IdentityId, TwinDocument> twins = new HashMap<>();
    private int writes;

    public InMemoryTwinStore(InMemoryDeviceRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public synchronized TwinDocument load(IdentityId owner) {
        return current(owner);
    }

    @Override
    public synchronized TwinDocument update(IdentityId owner, UnaryOperator<TwinDocument> change) {
        TwinDocument current = current(owner);
        TwinDocument changed = change.apply(current);
        if (changed != current) {
            twins.put(owner, changed);
            writes++;
        }
        return changed;
    }

    /** How many updates changed a twin. */
    public synchronized int writes() {
        return writes;
    }

    private TwinDocument current(IdentityId owner) {
        if (registry.findDevice(owner.deviceId()).isEmpty()) {
            twins.keySet().removeIf(key -> key.deviceId().equals(owner.deviceId()));
            throw new DeviceNotFoundException(owner.deviceId());
        }
        if (owner.isModule() && registry.findModule(owner.deviceId(), owner.moduleId()).isEmpty()) {
            twins.remove(owner);
            throw new ModuleNotFoundException(owner.deviceId(), owner.moduleId());
        }
        TwinDocument twin = twins.get(owner);
        return twin != null ? twin : TwinDocument.empty(owner.deviceId(), clock.instant());
    }
}
