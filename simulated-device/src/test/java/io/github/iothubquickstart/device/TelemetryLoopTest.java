package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.iothubquickstart.common.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TelemetryLoopTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    private final List<Telemetry> sent = new ArrayList<>();

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sendsCountMessagesPrintingEachAndItsAcknowledgement() {
        TelemetrySink acknowledgingSink = (telemetry, listener) -> {
            sent.add(telemetry);
            listener.onAck("OK", null);
        };
        TelemetryLoop loop = new TelemetryLoop(new TelemetryGenerator(new Random(42)),
                new TelemetrySchedule(Duration.ofMillis(10)), acknowledgingSink, out, 3);

        long count = assertTimeoutPreemptively(Duration.ofSeconds(5), loop::run);

        assertThat(count).isEqualTo(3);
        assertThat(sent).hasSize(3);
        Telemetry first = sent.get(0);
        assertThat(output().lines()).containsExactly(
                "Sending message 1: " + first.toJson() + " temperatureAlert=" + first.temperatureAlert(),
                "Message 1 acknowledged by the hub (OK)",
                "Sending message 2: " + sent.get(1).toJson() + " temperatureAlert=" + sent.get(1).temperatureAlert(),
                "Message 2 acknowledged by the hub (OK)",
                "Sending message 3: " + sent.get(2).toJson() + " temperatureAlert=" + sent.get(2).temperatureAlert(),
                "Message 3 acknowledged by the hub (OK)");
    }

    @Test
    void printsAFailedAcknowledgementWithItsReason() {
        TelemetrySink failingSink = (telemetry, listener) ->
                listener.onAck("UNAUTHORIZED", new IllegalStateException("token expired"));
        TelemetryLoop loop = new TelemetryLoop(new TelemetryGenerator(new Random(1)),
                new TelemetrySchedule(Duration.ofMillis(10)), failingSink, out, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(5), loop::run);

        assertThat(output()).contains("Message 1 was not acknowledged by the hub (UNAUTHORIZED): token expired");
    }

    @Test
    void waitsForTheLastAcknowledgementBeforeReturning() {
        TelemetrySink lateSink = (telemetry, listener) -> CompletableFuture.runAsync(() -> {
            sleep(300);
            listener.onAck("OK", null);
        });
        TelemetryLoop loop = new TelemetryLoop(new TelemetryGenerator(new Random(1)),
                new TelemetrySchedule(Duration.ofMillis(10)), lateSink, out, 1);

        assertTimeoutPreemptively(Duration.ofSeconds(5), loop::run);

        assertThat(output()).endsWith("Message 1 acknowledged by the hub (OK)" + System.lineSeparator());
    }

    @Test
    void stoppingTheScheduleEndsAnUnlimitedRun() {
        TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofHours(1));
        TelemetrySink sink = (telemetry, listener) -> {
            sent.add(telemetry);
            listener.onAck("OK", null);
        };
        TelemetryLoop loop = new TelemetryLoop(new TelemetryGenerator(new Random(1)), schedule, sink, out, 0);

        long count = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return loop.run();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            sleep(200);
            schedule.stop();
            return running.get();
        });

        assertThat(count).isEqualTo(1); // the first message goes at once; the hour-long wait is cut short
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
