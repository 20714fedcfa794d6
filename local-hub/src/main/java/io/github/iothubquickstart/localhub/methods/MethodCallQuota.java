package io.github.iothubquickstart.localhub.methods;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts direct method calls in flight, per device and in all, against their caps. Thread-safe. */
final class MethodCallQuota {
    private final int maxPerDevice;
    private final int maxInAll;
    private final AtomicInteger inAll = new AtomicInteger();
    private final Map<String, AtomicInteger> perDevice = new ConcurrentHashMap<>();

    MethodCallQuota(int maxPerDevice, int maxInAll) {
        this.maxPerDevice = maxPerDevice;
        this.maxInAll = maxInAll;
    }

    /** Why a new call to {@code deviceId} may not start, or null if it may (and then it counts until released). */
    String tryAcquire(String deviceId) {
        if (inAll.incrementAndGet() > maxInAll) {
            inAll.decrementAndGet();
            return "the hub already has " + maxInAll + " method calls in flight";
        }
        AtomicInteger device = perDevice.computeIfAbsent(deviceId, id -> new AtomicInteger());
        if (device.incrementAndGet() > maxPerDevice) {
            release(deviceId);
            return "device " + deviceId + " already has " + maxPerDevice + " method calls in flight";
        }
        return null;
    }

    void release(String deviceId) {
        inAll.decrementAndGet();
        perDevice.computeIfPresent(deviceId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    int inFlight() {
        return inAll.get();
    }
}
