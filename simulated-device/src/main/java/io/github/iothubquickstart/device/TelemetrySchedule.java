package io.github.iothubquickstart.device;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Paces the send loop. A new interval takes effect at once: a pending wait is re-evaluated against it
 * (the next message goes out one new interval after the wait began, or immediately if that time has passed)
 * instead of being waited out. {@link #stop()} ends any wait immediately.
 */
public final class TelemetrySchedule {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Consumer<Duration>> intervalListeners = new CopyOnWriteArrayList<>();
    private Duration interval;
    private boolean stopped;

    public TelemetrySchedule(Duration initialInterval) {
        this.interval = requirePositive(initialInterval);
    }

    public void setInterval(Duration newInterval) {
        requirePositive(newInterval);
        lock.lock();
        try {
            interval = newInterval;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Consumer<Duration> listener : intervalListeners) {
            listener.accept(newInterval);
        }
    }

    /** Hears every interval set after this call, whoever set it (direct method or desired property). */
    public void onIntervalChanged(Consumer<Duration> listener) {
        intervalListeners.add(Objects.requireNonNull(listener));
    }

    public Duration interval() {
        lock.lock();
        try {
            return interval;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the next message is due.
     *
     * @return true when it is time to send, false when the schedule was stopped
     */
    public boolean awaitNextSend() throws InterruptedException {
        lock.lock();
        try {
            long waitStarted = System.nanoTime();
            while (!stopped) {
                long remaining = interval.toNanos() - (System.nanoTime() - waitStarted);
                if (remaining <= 0) {
                    return true;
                }
                changed.awaitNanos(Math.min(remaining, TimeUnit.DAYS.toNanos(1)));
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    public void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isStopped() {
        lock.lock();
        try {
            return stopped;
        } finally {
            lock.unlock();
        }
    }

    private static Duration requirePositive(Duration value) {
        Objects.requireNonNull(value, "interval");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + value);
        }
        return value;
    }
}
