package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes the hub evaluate configurations again, gathered for the one {@code configurations} thread: the ids of
 * devices (and modules) whose twin or identity changed, and whether every device is due (a configuration changed). Callers (the
 * twin and registry watches, on event loops or workers) return at once; changes that arrive while the thread works
 * merge into one set, at most one entry per device, so a burst costs one evaluation per device.
 */
public final class ConfigurationTriggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationTriggers.class);

    private final Set<IdentityId> devices = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean everyDevice = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread worker = new Thread(runnable, "configurations");
        worker.setDaemon(true);
        return worker;
    });
    /** Gets (every device due, the device ids due); null until served. */
    private volatile BiConsumer<Boolean, Set<IdentityId>> work;

    public void deviceChanged(String deviceId) {
        identityChanged(IdentityId.device(deviceId));
    }

    /** A device or a module: its twin or its identity changed. */
    public void identityChanged(IdentityId owner) {
        devices.add(owner);
        schedule();
    }

    public void configurationsChanged() {
        everyDevice.set(true);
        schedule();
    }

    /** From now on the thread hands what is due to {@code work}. */
    void serveWith(BiConsumer<Boolean, Set<IdentityId>> work) {
        this.work = work;
        schedule();
    }

    private void schedule() {
        if (work != null && scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(this::drain);
            } catch (RejectedExecutionException closing) {
                scheduled.set(false);
            }
        }
    }

    private void drain() {
        // Cleared first: a change that arrives from here on schedules one more round.
        scheduled.set(false);
        boolean all = everyDevice.getAndSet(false);
        Set<IdentityId> due = new HashSet<>();
        for (var it = devices.iterator(); it.hasNext(); ) {
            due.add(it.next());
            it.remove();
        }
        if (!all && due.isEmpty()) {
            return;
        }
        try {
            work.accept(all, due);
        } catch (RuntimeException e) {
            LOG.warn("Applying configurations failed; the next change tries again", e);
        }
    }

    /** Waits until every change handed in so far has been evaluated, or the timeout passes. */
    public void awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        do {
            // A marker task behind the work already queued: once it has run, that work is done.
            try {
                thread.submit(() -> { }).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                     | RejectedExecutionException e) {
                return;
            }
        } while (scheduled.get() || !devices.isEmpty() || everyDevice.get());
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Applying configurations did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
