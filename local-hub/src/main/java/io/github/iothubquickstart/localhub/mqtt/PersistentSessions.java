package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import io.github.iothubquickstart.localhub.storage.StorageException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT persistent sessions (clean session 0), as IoT Hub keeps them: a device's subscriptions outlive its
 * connection, and the hub's restarts too. The Java device SDK relies on this: after reconnecting it does not
 * subscribe again, so without it a device would stop receiving method calls after any reconnect.
 */
public final class PersistentSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistentSessions.class);

    private final SqliteSessionStore store;
    /** What each device subscribed to: the truth while the hub runs, whether or not the store took it. */
    private final Map<String, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();
    /**
     * Devices whose stored session differs from the one in memory because the store refused a write (a full disk):
     * written again at their next change and when the hub stops.
     */
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();

    public PersistentSessions(SqliteSessionStore store) {
        this.store = store;
        store.loadAll().forEach((deviceId, text) -> subscriptions.put(deviceId, parse(text)));
    }

    /** What the device subscribed to in an earlier connection; empty when it has no session. */
    public Set<Subscription> restore(String deviceId) {
        Set<Subscription> kept = subscriptions.get(deviceId);
        return kept == null ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(kept);
    }

    public void remember(String deviceId, Set<Subscription> current) {
        Set<Subscription> copy = current.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(current);
        boolean changed = !copy.equals(subscriptions.put(deviceId, copy));
        if (unsaved.remove(deviceId) || changed) {
            save(deviceId);
        }
    }

    /** A clean-session connect, or a deleted device: nothing carries over. */
    public void forget(String deviceId) {
        boolean had = subscriptions.remove(deviceId) != null;
        if (unsaved.remove(deviceId) || had) {
            save(deviceId);
        }
    }

    /**
     * Writes the device's session as it is in memory (deletes it when it has none). A store that refuses (a full
     * disk) does not cost the device its connection: the session is served from memory, and written again later.
     */
    private void save(String deviceId) {
        Set<Subscription> current = subscriptions.get(deviceId);
        try {
            if (current == null) {
                store.delete(deviceId);
            } else {
                store.save(deviceId, current.stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
            }
        } catch (StorageException e) {
            unsaved.add(deviceId);
            LOG.warn("Could not save the MQTT session of {} ({}); it is kept in memory and saved at its next change"
                    + " or when the hub stops", deviceId, e.getMessage());
        }
    }

    private static Set<Subscription> parse(String text) {
        Set<Subscription> parsed = EnumSet.noneOf(Subscription.class);
        Arrays.stream(text.split(",")).filter(name -> !name.isBlank()).forEach(name -> {
            try {
                parsed.add(Subscription.valueOf(name));
            } catch (IllegalArgumentException unknown) {
                // written by a newer hub: ignore what this one does not know
            }
        });
        return parsed;
    }

    @Override
    public void close() {
        for (String deviceId : Set.copyOf(unsaved)) {
            unsaved.remove(deviceId);
            save(deviceId);
        }
        store.close();
    }
}
