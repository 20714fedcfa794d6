package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import io.github.iothubquickstart.localhub.storage.SqliteSessionStore;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * MQTT persistent sessions (clean session 0), as IoT Hub keeps them: a device's subscriptions outlive its
 * connection, and the hub's restarts too. The Java device SDK relies on this: after reconnecting it does not
 * subscribe again, so without it a device would stop receiving method calls after any reconnect.
 */
public final class PersistentSessions implements AutoCloseable {
    private final SqliteSessionStore store;
    private final Map<String, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();

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
        if (!copy.equals(subscriptions.put(deviceId, copy))) {
            store.save(deviceId, copy.stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
        }
    }

    /** A clean-session connect, or a deleted device: nothing carries over. */
    public void forget(String deviceId) {
        if (subscriptions.remove(deviceId) != null) {
            store.delete(deviceId);
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
        store.close();
    }
}
