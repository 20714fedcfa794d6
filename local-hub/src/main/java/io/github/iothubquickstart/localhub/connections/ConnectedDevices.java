package io.github.iothubquickstart.localhub.connections;

import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The devices and modules connected right now, over any transport, at most one connection per identity (a device,
 * or one module of a device: a device and its modules are separate identities, each with its own connection). Callers can wait,
 * bounded, for a device to come online for methods, and hear when a connection ends (so calls waiting on it fail
 * at once).
 */
public final class ConnectedDevices implements DevicePresence {
    private final Vertx vertx;
    private final Clock clock;
    private final Map<IdentityId, ConnectedDevice> connected = new ConcurrentHashMap<>();
    /** State of devices not connected now; in memory only, as the hub cannot know what happened while it was down. */
    private final Map<IdentityId, Presence> lastKnown = new ConcurrentHashMap<>();
    private final Map<IdentityId, List<Promise<ConnectedDevice>>> waiters = new ConcurrentHashMap<>();
    private final List<Consumer<ConnectedDevice>> endListeners = new CopyOnWriteArrayList<>();

    /** @param vertx its timers bound the waits of {@link #awaitMethodsReady} */
    public ConnectedDevices(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    /** Makes {@code connection} the device's current one; the connection it replaces, if any, is closed. */
    public ConnectedDevice connected(DeviceConnection connection) {
        ConnectedDevice device = new ConnectedDevice(connection, Instant.ofEpochMilli(clock.millis()));
        ConnectedDevice previous = connected.put(device.identity(), device);
        if (previous != null) {
            ended(previous);
            previous.connection().close();
        }
        return device;
    }

    /** Called when a connection is gone, for whatever reason. Idempotent. */
    public void ended(ConnectedDevice device) {
        if (!device.markClosed()) {
            return;
        }
        if (connected.remove(device.identity(), device)) {
            lastKnown.put(device.identity(), new Presence(false, clock.instant(),
                    Instant.ofEpochMilli(device.lastActivityMillis())));
        }
        for (Consumer<ConnectedDevice> listener : endListeners) {
            listener.accept(device);
        }
    }

    /** The device (un)subscribed to direct methods; callers waiting for it to come online are woken. */
    public void acceptsMethods(ConnectedDevice device, boolean accepts) {
        device.acceptMethods(accepts);
        if (accepts && connected.get(device.identity()) == device) {
            List<Promise<ConnectedDevice>> waiting = waiters.remove(device.identity());
            if (waiting != null) {
                waiting.forEach(promise -> promise.tryComplete(device));
            }
        }
    }

    /** Notes that the device sent something now (IoT Hub's lastActivityTime). */
    public void active(ConnectedDevice device) {
        device.active(clock.millis());
    }

    /**
     * Notes that a device or module was active now without a connection (an HTTPS request, which IoT Hub counts as
     * activity but never as being connected); a connection it has, on another transport, is marked active instead.
     */
    public void activeWithoutConnection(IdentityId identity) {
        ConnectedDevice device = connected.get(identity);
        if (device != null) {
            active(device);
            return;
        }
        Instant now = clock.instant();
        lastKnown.merge(identity, new Presence(false, Presence.UNKNOWN.connectionStateUpdated(), now),
                (known, ignored) -> new Presence(false, known.connectionStateUpdated(), now));
    }

    public Optional<ConnectedDevice> current(String deviceId) {
        return current(IdentityId.device(deviceId));
    }

    public Optional<ConnectedDevice> current(IdentityId identity) {
        return Optional.ofNullable(connected.get(identity));
    }

    public boolean isConnected(String deviceId) {
        return isConnected(IdentityId.device(deviceId));
    }

    public boolean isConnected(IdentityId identity) {
        return connected.containsKey(identity);
    }

    /** Connections of devices and modules: what the hub's connection cap counts. */
    public int connectedCount() {
        return connected.size();
    }

    /** Devices connected, not counting their modules: IoT Hub's {@code connectedDeviceCount}. */
    public int connectedDeviceCount() {
        return (int) connected.keySet().stream().filter(identity -> !identity.isModule()).count();
    }

    /**
     * The device once it accepts methods, waiting up to {@code timeout} for it; the future fails with
     * {@link TimeoutException} when the wait runs out.
     */
    public Future<ConnectedDevice> awaitMethodsReady(String deviceId, Duration timeout) {
        return awaitMethodsReady(IdentityId.device(deviceId), timeout);
    }

    /** As {@link #awaitMethodsReady(String, Duration)}, for a device or a module. */
    public Future<ConnectedDevice> awaitMethodsReady(IdentityId identity, Duration timeout) {
        ConnectedDevice device = connected.get(identity);
        if (device != null && device.acceptsMethods()) {
            return Future.succeededFuture(device);
        }
        if (timeout.isZero()) {
            return Future.failedFuture(new TimeoutException(identity.toString()));
        }
        Promise<ConnectedDevice> promise = Promise.promise();
        // Added inside compute: a list fetched first and added to later may meanwhile have been dropped from the map
        // by another waiter's clean-up below, and then nothing would ever wake this one.
        waiters.compute(identity, (id, list) -> {
            List<Promise<ConnectedDevice>> waiting = list != null ? list : new CopyOnWriteArrayList<>();
            waiting.add(promise);
            return waiting;
        });
        // The device may have subscribed between the check above and registering the waiter.
        ConnectedDevice raced = connected.get(identity);
        if (raced != null && raced.acceptsMethods()) {
            promise.tryComplete(raced);
        }
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
                id -> promise.tryFail(new TimeoutException(identity.toString())));
        Future<ConnectedDevice> future = promise.future();
        future.onComplete(done -> {
            vertx.cancelTimer(timer);
            waiters.computeIfPresent(identity, (id, list) -> {
                list.remove(promise);
                return list.isEmpty() ? null : list;
            });
        });
        return future;
    }

    @Override
    public Presence presence(String deviceId) {
        return presence(IdentityId.device(deviceId));
    }

    @Override
    public Presence presence(IdentityId identity) {
        ConnectedDevice device = connected.get(identity);
        if (device != null) {
            return new Presence(true, device.connectedSince(), Instant.ofEpochMilli(device.lastActivityMillis()));
        }
        return lastKnown.getOrDefault(identity, Presence.UNKNOWN);
    }

    /** Drops the device's connection at once, e.g. because it was disabled or deleted. */
    @Override
    public void disconnect(String deviceId) {
        disconnect(IdentityId.device(deviceId));
    }

    @Override
    public void disconnect(IdentityId identity) {
        ConnectedDevice device = connected.get(identity);
        if (device != null) {
            ended(device);
            device.connection().close();
        }
    }

    @Override
    public void disconnectModulesOf(String deviceId) {
        for (IdentityId identity : new ArrayList<>(connected.keySet())) {
            if (identity.isModule() && identity.deviceId().equals(deviceId)) {
                disconnect(identity);
            }
        }
    }

    public void onConnectionEnded(Consumer<ConnectedDevice> listener) {
        endListeners.add(listener);
    }

    /** Closes every connection, e.g. when the hub stops. */
    public void closeAll() {
        for (ConnectedDevice device : new ArrayList<>(connected.values())) {
            ended(device);
            device.connection().close();
        }
    }
}
