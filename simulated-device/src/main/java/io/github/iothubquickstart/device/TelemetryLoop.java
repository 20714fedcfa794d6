package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.Telemetry;
import java.io.PrintStream;
import java.time.Duration;

/** Sends a message, waits for the schedule, repeats; until the count is reached or the schedule is stopped. */
public final class TelemetryLoop {

    /** How long a finishing run waits for the hub to acknowledge the messages already sent. */
    static final Duration FINAL_ACK_TIMEOUT = Duration.ofSeconds(10);

    private final TelemetryGenerator generator;
    private final TelemetrySchedule schedule;
    private final TelemetrySink sink;
    private final PrintStream out;
    private final long maxMessages;
    private final PendingAcks pendingAcks = new PendingAcks();

    /** @param maxMessages stop after this many messages; 0 or less means no limit */
    public TelemetryLoop(TelemetryGenerator generator, TelemetrySchedule schedule, TelemetrySink sink,
            PrintStream out, long maxMessages) {
        this.generator = generator;
        this.schedule = schedule;
        this.sink = sink;
        this.out = out;
        this.maxMessages = maxMessages;
    }

    /** @return the number of messages sent */
    public long run() throws InterruptedException {
        long sent = 0;
        while (!schedule.isStopped()) {
            sent++;
            send(sent, generator.next());
            if (maxMessages > 0 && sent >= maxMessages) {
                break;
            }
            if (!schedule.awaitNextSend()) {
                break;
            }
        }
        if (!pendingAcks.awaitAll(FINAL_ACK_TIMEOUT)) {
            out.println(pendingAcks.count() + " message(s) were not acknowledged within "
                    + FINAL_ACK_TIMEOUT.toSeconds() + " s");
        }
        return sent;
    }

    private void send(long number, Telemetry telemetry) {
        out.println("Sending message " + number + ": " + telemetry.toJson() + " "
                + Telemetry.ALERT_PROPERTY + "=" + telemetry.temperatureAlert());
        pendingAcks.sent();
        sink.send(telemetry, (status, error) -> {
            if (error == null) {
                out.println("Message " + number + " acknowledged by the hub (" + status + ")");
            } else {
                out.println("Message " + number + " was not acknowledged by the hub (" + status + "): "
                        + oneLine(error));
            }
            pendingAcks.acknowledged();
        });
    }

    private static String oneLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return message.replaceAll("\\s+", " ");
    }
}
