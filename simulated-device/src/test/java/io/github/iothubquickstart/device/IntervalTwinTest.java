package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The device's twin when the SDK loses the hub's answers: it sends again instead of waiting forever. */
class IntervalTwinTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofMillis(100);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofSeconds(1));

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void answeredAtOnceItReportsWithoutResending() throws Exception {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of());

        start(hub);

        assertThat(text()).isEqualTo("Reported telemetryInterval 1 s (reported version 2)\n");
        assertThat(hub.twinRequests()).isEqualTo(1);
    }

    @Test
    void lostTwinAnswerIsAskedForAgainAndTheDesiredIntervalApplied() throws Exception {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of("telemetryInterval", 4L));
        hub.loseGetAnswers(1);

        start(hub);

        assertThat(hub.twinRequests()).isEqualTo(2);
        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(text()).contains("No answer to the twin request within 100 ms: sending it again (attempt 2 of 3)")
                .contains("interval set to 4 s");
        awaitPrinted("Reported telemetryInterval 4 s (reported version 2)");
    }

    @Test
    void lostReportAnswerIsReportedAgain() throws Exception {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of());
        hub.loseReportAnswers(1);

        start(hub);

        awaitPrinted("Reported telemetryInterval 1 s (reported version 3)");
        assertThat(hub.reportedValues).containsExactly(1L, 1L);
        assertThat(text()).contains("No answer to the report of telemetryInterval 1 s within 100 ms: sending it again"
                + " (attempt 2 of 3)");
    }

    @Test
    void hubThatNeverAnswersTheTwinRequestFailsTheStartAfterThreeAttempts() {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of());
        hub.loseGetAnswers(Integer.MAX_VALUE);

        assertThatThrownBy(() -> start(hub))
                .isInstanceOfSatisfying(IotHubClientException.class, e -> assertThat(e.getStatusCode())
                        .isEqualTo(IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT))
                .hasMessageContaining("no answer from the hub to 3 attempt(s)");
        assertThat(hub.twinRequests()).isEqualTo(3);
    }

    @Test
    void hubThatNeverAnswersTheReportIsToldOnTheConsole() throws Exception {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of());
        hub.loseReportAnswers(Integer.MAX_VALUE);

        start(hub);

        awaitPrinted("Could not report telemetryInterval 1 s: no answer from the hub to 3 attempt(s) of 100 ms each");
        assertThat(hub.reportedValues).containsExactly(1L, 1L, 1L);
    }

    @Test
    void aNewerIntervalIsNotOverwrittenByResendingTheOlderOne() throws Exception {
        FakeTwinChannel hub = new FakeTwinChannel(Map.of());
        hub.loseReportAnswers(1);
        start(hub);

        schedule.setInterval(Duration.ofSeconds(3));

        awaitPrinted("Reported telemetryInterval 3 s");
        TimeUnit.MILLISECONDS.sleep(4 * ANSWER_TIMEOUT.toMillis()); // past every resend the older report could have
        // The 1 s report may have been resent once before the change (a slow machine), but never after the 3 s one.
        assertThat(hub.reportedValues).last().isEqualTo(3L);
        assertThat(hub.reportedValues).containsOnlyOnce(3L);
    }

    private void start(FakeTwinChannel hub) throws Exception {
        IntervalTwin twin = new IntervalTwin(hub, schedule, new Resender(timer, ANSWER_TIMEOUT, 3), out);
        // Without resending, a lost answer would keep start() waiting forever.
        assertTimeoutPreemptively(Duration.ofSeconds(10), twin::start);
    }

    private void awaitPrinted(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!text().contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never printed \"" + expected + "\"; printed:\n" + text());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
