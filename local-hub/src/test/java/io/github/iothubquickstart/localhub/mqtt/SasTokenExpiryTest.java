package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.testing.TestClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SasTokenExpiryTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00.400Z");
    private final Vertx vertx = Vertx.vertx();
    private final TestClock clock = new TestClock(NOW);

    @AfterEach
    void closeVertx() {
        vertx.close().await();
    }

    @Test
    void firesOnceTheClockReachesTheTokensExpirySecond() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);

        SasTokenExpiry.start(vertx, clock, NOW.getEpochSecond(), expired::countDown);

        assertThat(expired.await(5, TimeUnit.SECONDS)).as("se is this very second: already expired").isTrue();
    }

    @Test
    void aTimerThatFiresBeforeTheHubsClockReachedTheExpiryWaitsAgain() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        // 200 ms before the expiry second, and this clock stands still: the timer fires, finds it early, re-arms.
        clock.advance(Duration.ofMillis(-600));
        SasTokenExpiry.start(vertx, clock, NOW.getEpochSecond(), expired::countDown);

        assertThat(expired.await(700, TimeUnit.MILLISECONDS)).isFalse();
        clock.advance(Duration.ofMillis(300));
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void nothingHappensAfterCancel() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        clock.advance(Duration.ofMillis(-500));
        SasTokenExpiry expiry = SasTokenExpiry.start(vertx, clock, NOW.getEpochSecond(), expired::countDown);

        expiry.cancel();
        clock.advance(Duration.ofMillis(1_000));
        assertThat(expired.await(600, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void anExpiryTooFarForMillisecondsIsNeverReached() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        // The largest se a token may carry (18 digits): in milliseconds it would overflow into the past.
        SasTokenExpiry expiry = SasTokenExpiry.start(vertx, clock, 999_999_999_999_999_999L, expired::countDown);

        assertThat(expired.await(300, TimeUnit.MILLISECONDS)).isFalse();
        expiry.cancel();
    }
}
