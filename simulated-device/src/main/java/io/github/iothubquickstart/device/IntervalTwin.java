package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The device's twin, through the SDK: it follows the desired {@code telemetryInterval} (now and on every change)
 * and reports the interval in effect on start and after every change, whoever made it. A twin request whose answer
 * does not come in time is sent again (both are idempotent; see {@link Resender} for why answers go missing).
 */
final class IntervalTwin {
    private final TwinChannel channel;
    private final TelemetrySchedule schedule;
    private final DesiredInterval desired;
    private final Resender resender;
    private final PrintStream out;
    private final Object reportLock = new Object();
    private Resender.Request lastReport;

    IntervalTwin(TwinChannel channel, TelemetrySchedule schedule, Resender resender, PrintStream out) {
        this.channel = channel;
        this.schedule = schedule;
        this.desired = new DesiredInterval(schedule, out);
        this.resender = resender;
        this.out = out;
    }

    /** Subscribes to desired changes, applies the current desired interval, and reports the interval in effect. */
    void start() throws IotHubClientException, InterruptedException {
        channel.subscribeToDesiredProperties((twin, context) -> desired.apply(twin.getDesiredProperties(),
                twin.getDesiredProperties().getVersion()));
        schedule.onIntervalChanged(this::report);
        Twin twin = fetchTwin();
        Duration before = schedule.interval();
        desired.apply(twin.getDesiredProperties(), twin.getDesiredProperties().getVersion());
        if (schedule.interval().equals(before)) {
            report(before); // an applied desired value has reported itself already
        }
    }

    /** Waits for the twin at most {@link Resender#maxAttempts()} answer timeouts: the resender always settles. */
    private Twin fetchTwin() throws IotHubClientException, InterruptedException {
        CompletableFuture<Twin> result = new CompletableFuture<>();
        resender.<TwinAnswer>send(answer -> channel.getTwin(
                (twin, exception, context) -> answer.accept(new TwinAnswer(twin, exception))),
                new Resender.Outcome<>() {
                    @Override
                    public void answered(TwinAnswer answer) {
                        if (answer.exception() != null) {
                            result.completeExceptionally(answer.exception());
                        } else {
                            result.complete(answer.twin());
                        }
                    }

                    @Override
                    public void resending(int attempt) {
                        out.println("No answer to the twin request within " + timeoutText() + ": sending it again"
                                + attemptText(attempt));
                    }

                    @Override
                    public void unanswered(String reason) {
                        result.completeExceptionally(new IotHubClientException(
                                IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT, "the twin request went unanswered: " + reason));
                    }
                });
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IotHubClientException clientException) {
                throw clientException;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Asynchronous: it may run on the SDK's callback thread, which must not wait for the hub's answer. */
    private void report(Duration interval) {
        TwinCollection reported = new TwinCollection();
        reported.put(DesiredInterval.PROPERTY, interval.toSeconds());
        String what = DesiredInterval.PROPERTY + " " + interval.toSeconds() + " s";
        synchronized (reportLock) {
            if (lastReport != null) {
                lastReport.supersede(); // resending an older value could overwrite this newer one
            }
            try {
                lastReport = resender.send(answer -> channel.updateReportedProperties(reported,
                        (status, response, exception, context) -> answer.accept(new ReportAnswer(status, response, exception))),
                        new ReportOutcome(what));
            } catch (RuntimeException e) {
                lastReport = null;
                out.println("Could not report " + what + ": " + e.getMessage());
            }
        }
    }

    private String timeoutText() {
        Duration timeout = resender.answerTimeout();
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    private String attemptText(int attempt) {
        return " (attempt " + attempt + " of " + resender.maxAttempts() + ")";
    }

    private record TwinAnswer(Twin twin, IotHubClientException exception) {
    }

    private record ReportAnswer(IotHubStatusCode status, ReportedPropertiesUpdateResponse response,
                                IotHubClientException exception) {
    }

    private final class ReportOutcome implements Resender.Outcome<ReportAnswer> {
        private final String what;

        ReportOutcome(String what) {
            this.what = what;
        }

        @Override
        public void answered(ReportAnswer answer) {
            if (IotHubStatusCode.isSuccessful(answer.status()) && answer.exception() == null) {
                out.println("Reported " + what + " (reported version " + answer.response().getVersion() + ")");
            } else {
                out.println("Could not report " + what + ": "
                        + (answer.exception() != null ? answer.exception().getMessage() : answer.status()));
            }
        }

        @Override
        public void resending(int attempt) {
            out.println("No answer to the report of " + what + " within " + timeoutText() + ": sending it again"
                    + attemptText(attempt));
        }

        @Override
        public void unanswered(String reason) {
            out.println("Could not report " + what + ": " + reason);
        }
    }
}
