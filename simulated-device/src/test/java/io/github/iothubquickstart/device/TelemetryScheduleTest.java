package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TelemetryScheduleTest {

    @Test
    void anHourLongWaitEndsPromptlyWhenTheIntervalChanges() {
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofHours(1));

        boolean due = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> await(schedule));
            Thread.sleep(200); // let the wait begin
            assertThat(waiting).isNotDone();
            schedule.setInterval(Duration.ofSeconds(1));
            return waiting.get(4, TimeUnit.SECONDS);
        });

        assertThat(due).isTrue();
    }

    @Test
    void aShorterIntervalWhoseTimeHasPassedSendsAtOnce() {
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofHours(1));

        long elapsedMillis = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long start = System.nanoTime();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> await(schedule));
            Thread.sleep(1_200);
            schedule.setInterval(Duration.ofSeconds(1)); // 1 s after the wait began has already passed
            waiting.get(4, TimeUnit.SECONDS);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        });

        assertThat(elapsedMillis).isLessThan(2_500);
    }

    @Test
    void stopEndsAWaitAndReportsIt() {
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofHours(1));

        boolean due = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> await(schedule));
            Thread.sleep(100);
            schedule.stop();
            return waiting.get(4, TimeUnit.SECONDS);
        });

        assertThat(due).isFalse();
        assertThat(schedule.isStopped()).isTrue();
    }

    @Test
    void waitsTheIntervalWhenNothingChanges() throws InterruptedException {
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(schedule.awaitNextSend()).isTrue();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(290);
    }

    @Test
    void rejectsNonPositiveIntervals() {
        assertThatThrownBy(() -> new TelemetrySchedule(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofSeconds(1));
        assertThatThrownBy(() -> schedule.setInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean await(TelemetrySchedule schedule) {
        try {
            return schedule.awaitNextSend();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
