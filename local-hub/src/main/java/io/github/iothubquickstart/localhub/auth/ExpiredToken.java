package io.github.iothubquickstart.localhub.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How the hub words a genuine SAS token that expired: when it expired and how long before the hub's clock, so that a
 * device whose clock is behind (it signs tokens that are stale on arrival) is recognised from the first refusal. The
 * expiry is the token's own {@code se}: telling it back reveals nothing its holder does not know.
 */
public final class ExpiredToken {
    private ExpiredToken() {
    }

    /** For the hub's log. */
    public static String logReason(long expiresAtEpochSecond, Instant clock) {
        Instant now = clock.truncatedTo(ChronoUnit.SECONDS);
        Instant expiry = Instant.ofEpochSecond(expiresAtEpochSecond);
        return "SAS token expired at " + expiry + ", " + ago(expiry, now) + " before the hub's clock (" + now
                + "): check the device's clock (a clock behind signs tokens that are already stale) or its token's"
                + " time to live";
    }

    /**
     * For the client, where its protocol has words (the AMQP {@code $cbs} status description, the HTTPS error):
     * Azure's {@code ExpiredToken} wording, with the hub's time beside it.
     */
    public static String answer(long expiresAtEpochSecond, Instant clock) {
        Instant now = clock.truncatedTo(ChronoUnit.SECONDS);
        return "ExpiredToken: The token is expired. Expiration time: '" + Instant.ofEpochSecond(expiresAtEpochSecond)
                + "', the hub's time: '" + now + "'. Check the device's clock.";
    }

    private static String ago(Instant expiry, Instant now) {
        Duration late = Duration.between(expiry, now);
        if (late.toMinutes() < 1) {
            return late.toSeconds() + " s";
        }
        return late.toHours() > 0 ? late.toHours() + " h " + late.toMinutesPart() + " min"
                : late.toMinutes() + " min " + late.toSecondsPart() + " s";
    }
}
