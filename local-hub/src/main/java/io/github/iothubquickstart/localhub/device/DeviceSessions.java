package io.github.iothubquickstart.localhub.device;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The devices connected right now, at most one session per device id. Callers can wait, bounded, for a device to
 * come online for methods, and hear when a session ends (so calls waiting on it fail at once).
 */
public final class DeviceSessions implements DevicePresence {
    private final Vertx vertx;
    private final Clock clock;
    private final Map<String, DeviceSession> sessions = new ConcurrentHashMap<>();
    /** State of devices not connected now; in memory only, as the hub cannot know what happened while it was down. */
    private final Map<String, Presence> lastKnown = new ConcurrentHashMap<>();
    private final Map<String, Instant> connectedSince = new ConcurrentHashMap<>();
    private final Map<String, List<Promise<DeviceSession>>> waiters = new ConcurrentHashMap<>();
    private final List<Consumer<DeviceSession>> endListeners = new CopyOnWriteArrayList<>();

    public DeviceSessions(Vertx vertx) {
        this(vertx, Clock.systemUTC());
    }

    public DeviceSessions(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    /** Makes {@code session} the device's current one; the session it replaces, if any, is closed. */
    public void connected(DeviceSession session) {
        session.active(clock.millis());
        connectedSince.put(session.deviceId(), clock.instant());
        DeviceSession previous = sessions.put(session.deviceId(), session);
        if (previous != null && previous != session) {
            ended(previous);
            previous.close();
        }
    }

    /** Called when a session's connection is gone, for whatever reason. Idempotent. */
    public void ended(DeviceSession session) {
        if (!session.markClosed()) {
            return;
        }
        if (sessions.remove(session.deviceId(), session)) {
            connectedSince.remove(session.deviceId());
            lastKnown.put(session.deviceId(), new Presence(false, clock.instant(),
                    Instant.ofEpochMilli(session.lastActivityMillis())));
        }
        for (Consumer<DeviceSession> listener : endListeners) {
            listener.accept(session);
        }
    }

    public void methodsSubscribed(DeviceSession session, boolean subscribed) {
        session.methodsSubscribed(subscribed);
        if (subscribed && sessions.get(session.deviceId()) == session) {
            List<Promise<DeviceSession>> waiting = waiters.remove(session.deviceId());
            if (waiting != null) {
                waiting.forEach(promise -> promise.tryComplete(session));
            }
        }
    }

    public Optional<DeviceSession> current(String deviceId) {
        return Optional.ofNullable(sessions.get(deviceId));
    }

    public boolean isConnected(String deviceId) {
        return sessions.containsKey(deviceId);
    }

    public int connectedCount() {
        return sessions.size();
    }

    /**
     * The device's session once it accepts methods, waiting up to {@code timeout} for it; the future fails with
     * {@link java.util.concurrent.TimeoutException} when the wait runs out.
     */
    public Future<DeviceSession> awaitMethodsReady(String deviceId, Duration timeout) {
        DeviceSession session = sessions.get(deviceId);
        if (session != null && session.acceptsMethods()) {
            return Future.succeededFuture(session);
        }
        if (timeout.isZero()) {
            return Future.failedFuture(new java.util.concurrent.TimeoutException(deviceId));
        }
        Promise<DeviceSession> promise = Promise.promise();
        waiters.computeIfAbsent(deviceId, id -> new CopyOnWriteArrayList<>()).add(promise);
        // The device may have subscribed between the check above and registering the waiter.
        DeviceSession raced = sessions.get(deviceId);
        if (raced != null && raced.acceptsMethods()) {
            promise.tryComplete(raced);
        }
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()),
                id -> promise.tryFail(new java.util.concurrent.TimeoutException(deviceId)));
        Future<DeviceSession> future = promise.future();
        future.onComplete(done -> {
            vertx.cancelTimer(timer);
            waiters.computeIfPresent(deviceId, (id, list) -> {
                list.remove(promise);
                return list.isEmpty() ? null : list;
            });
        });
        return future;
    }

    @Override
    public Presence presence(String deviceId) {
        DeviceSession session = sessions.get(deviceId);
        Instant since = connectedSince.get(deviceId);
        if (session != null && since != null) {
            return new Presence(true, since, Instant.ofEpochMilli(session.lastActivityMillis()));
        }
        return lastKnown.getOrDefault(deviceId, Presence.UNKNOWN);
    }

    /** Drops the device's connection at once, e.g. because it was disabled or deleted. */
    @Override
    public void disconnect(String deviceId) {
        DeviceSession session = sessions.get(deviceId);
        if (session != null) {
            ended(session);
            session.close();
        }
    }

    /** Notes that the device sent something now. */
    public void active(DeviceSession session) {
        session.active(clock.millis());
    }

    public void onSessionEnded(Consumer<DeviceSession> listener) {
        endListeners.add(listener);
    }

    /** Closes every connection, e.g. when the hub stops. */
    public void closeAll() {
        for (DeviceSession session : new ArrayList<>(sessions.values())) {
            ended(session);
            session.close();
        }
    }
}
