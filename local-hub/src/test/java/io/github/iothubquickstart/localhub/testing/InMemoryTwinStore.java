package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Twins in memory, with the SQLite store's contract: a twin exists while its device is registered, an update is
 * serialised and all or nothing, and a change that returns its argument writes nothing. Counts the writes.
 */
public final class InMemoryTwinStore implements TwinStore {
    private final DeviceRegistry registry;
    private final Clock clock;
    private final Map<String, TwinDocument> twins = new HashMap<>();
    private int writes;

    public InMemoryTwinStore(DeviceRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public synchronized TwinDocument load(String deviceId) {
        return current(deviceId);
    }

    @Override
    public synchronized TwinDocument update(String deviceId, UnaryOperator<TwinDocument> change) {
        TwinDocument current = current(deviceId);
        TwinDocument changed = change.apply(current);
        if (changed != current) {
            twins.put(deviceId, changed);
            writes++;
        }
        return changed;
    }

    /** How many updates changed a twin. */
    public synchronized int writes() {
        return writes;
    }

    private TwinDocument current(String deviceId) {
        if (registry.findDevice(deviceId).isEmpty()) {
            throw new DeviceNotFoundException(deviceId);
        }
        TwinDocument twin = twins.get(deviceId);
        return twin != null ? twin : TwinDocument.empty(deviceId, clock.instant());
    }
}
