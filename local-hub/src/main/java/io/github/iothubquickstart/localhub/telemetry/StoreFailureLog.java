package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Logs failures to store telemetry without flooding the log: a full disk refuses every message of every device, and a
 * line with a stack trace per message would fill a log that often sits on that same disk. The first failure is logged
 * with its stack trace; while failures go on, one line at most every {@link #INTERVAL} says how many were refused
 * since; the first success after them says that storing works again.
 */
final class StoreFailureLog {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final Clock clock;
    /** Volatile: {@link #stored} reads it without the lock on every store, the common path. */
    private volatile boolean failing;
    private long refusedSinceLastLine;
    private long refusedInAll;
    private Instant lastLine = Instant.MIN;

    StoreFailureLog(Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** {@code messages} were not stored (and not acknowledged) because of {@code error}; {@code what} names them. */
    synchronized void failed(int messages, String what, Object location, RuntimeException error) {
        refusedSinceLastLine += messages;
        refusedInAll += messages;
        Instant now = clock.instant();
        if (!failing) {
            failing = true;
            lastLine = now;
            refusedSinceLastLine = 0;
            log.error("Could not store {} in {}: not acknowledged, so the devices will send again. Until storing works"
                    + " again, one line every {} s counts the messages refused", what, location, INTERVAL.toSeconds(),
                    error);
        } else if (!now.isBefore(lastLine.plus(INTERVAL))) {
            log.error("Still cannot store telemetry in {}: {} more messages refused, not acknowledged ({})", location,
                    refusedSinceLastLine, error.toString());
            lastLine = now;
            refusedSinceLastLine = 0;
        }
    }

    /** A store succeeded: after failures, says so once. */
    void stored(Object location) {
        if (!failing) {
            return; // the common path: no lock
        }
        synchronized (this) {
            if (failing) {
                log.info("Storing telemetry in {} works again; {} messages were refused meanwhile, and the devices"
                        + " sent them again", location, refusedInAll);
                failing = false;
                refusedInAll = 0;
                refusedSinceLastLine = 0;
            }
        }
    }
}
