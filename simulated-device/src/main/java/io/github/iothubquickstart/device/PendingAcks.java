package io.github.iothubquickstart.device;

import java.time.Duration;

/** Counts messages still waiting for the hub's acknowledgement, so a bounded run can wait for the last ones. */
final class PendingAcks {

    private int pending;

    synchronized void sent() {
        pending++;
    }

    synchronized void acknowledged() {
        pending--;
        notifyAll();
    }

    synchronized int count() {
        return pending;
    }

    /** @return true when every message was acknowledged before the timeout */
    synchronized boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending > 0) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                return false;
            }
            wait(remainingMillis);
        }
        return true;
    }
}
