package io.github.iothubquickstart.localhub.mqtt;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * Ends an MQTT connection when the SAS token it connected with expires, as IoT Hub does: MQTT has no way to put a new
 * token on an open connection, so the device SDKs reconnect with a fresh one (the Java SDK reports
 * DISCONNECTED_RETRYING with EXPIRED_SAS_TOKEN, then CONNECTED). Runs on the connection's event loop.
 */
final class SasTokenExpiry {
    /** A token valid for longer is checked again after this, so that no timer waits for years. */
    static final long MAX_TIMER_MILLIS = Duration.ofDays(1).toMillis();

    private final Vertx vertx;
    private final Clock clock;
    private final long expiresAtMillis;
    private final Runnable onExpired;
    private long timer = -1;
    private boolean cancelled;

    /** Calls {@code onExpired} once the clock reaches the token's {@code se} (the second it is no longer valid). */
    static SasTokenExpiry start(Vertx vertx, Clock clock, long expiresAtEpochSecond, Runnable onExpired) {
        SasTokenExpiry expiry = new SasTokenExpiry(vertx, clock, expiresAtEpochSecond, onExpired);
        expiry.arm();
        return expiry;
    }

    private SasTokenExpiry(Vertx vertx, Clock clock, long expiresAtEpochSecond, Runnable onExpired) {
        this.vertx = vertx;
        this.clock = clock;
        // A token may name an expiry of up to 18 digits (SasToken): far past what milliseconds since 1970 can hold.
        this.expiresAtMillis = expiresAtEpochSecond > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : expiresAtEpochSecond * 1000;
        this.onExpired = onExpired;
    }

    private void arm() {
        long untilExpiry = expiresAtMillis - clock.millis();
        timer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            timer = -1;
            if (cancelled) {
                return;
            }
            if (clock.millis() >= expiresAtMillis) {
                onExpired.run();
            } else {
                arm();
            }
        });
    }

    /** The connection ended first: nothing happens at expiry. */
    void cancel() {
        cancelled = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
