package io.github.iothubquickstart.localhub.methods;

import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Method calls sent to devices and not yet answered, each under the request id ({@code $rid}) that the device's
 * answer carries back. A timer per call ends it when the device takes too long.
 */
public final class PendingMethodCalls {
    private final Vertx vertx;
    private final AtomicLong nextRequestId = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** The timer is set once the call is registered, so that even a timer that fires at once finds it. */
    private static final class Pending {
        final ConnectedDevice device;
        final Promise<MethodResult> promise = Promise.promise();
        volatile long timerId = -1;

        Pending(ConnectedDevice device) {
            this.device = device;
        }

        ConnectedDevice device() {
            return device;
        }

        Promise<MethodResult> promise() {
            return promise;
        }

        long timerId() {
            return timerId;
        }
    }

    /** Ended by the device's answer, by {@link TimeoutException}, or by {@link DeviceGoneException}. */
    public record Call(String requestId, Future<MethodResult> result) {
    }

    /** The device's connection ended before it answered. */
    public static final class DeviceGoneException extends Exception {
        private static final long serialVersionUID = 1L;

        DeviceGoneException(String deviceId) {
            super(deviceId, null, false, false);
        }
    }

    public PendingMethodCalls(Vertx vertx) {
        this.vertx = vertx;
    }

    public Call open(ConnectedDevice device, Duration timeout) {
        String requestId = Long.toHexString(nextRequestId.incrementAndGet());
        Pending call = new Pending(device);
        pending.put(requestId, call);
        call.timerId = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            if (pending.remove(requestId, call)) {
                call.promise().tryFail(new TimeoutException(device.deviceId()));
            }
        });
        return new Call(requestId, call.promise().future());
    }

    /**
     * Delivers a device's answer. Returns false when no call with that id is waiting on that very connection (too late,
     * or an answer to someone else's call), so a device can never complete another device's call.
     */
    public boolean answer(ConnectedDevice device, String requestId, MethodResult result) {
        Pending call = pending.get(requestId);
        if (call == null || call.device() != device || !pending.remove(requestId, call)) {
            return false;
        }
        vertx.cancelTimer(call.timerId());
        return call.promise().tryComplete(result);
    }

    /** Fails at once every call waiting on a connection that ended. */
    public void connectionEnded(ConnectedDevice device) {
        pending.forEach((requestId, call) -> {
            if (call.device() == device && pending.remove(requestId, call)) {
                vertx.cancelTimer(call.timerId());
                call.promise().tryFail(new DeviceGoneException(device.deviceId()));
            }
        });
    }

    public int inFlight() {
        return pending.size();
    }
}
