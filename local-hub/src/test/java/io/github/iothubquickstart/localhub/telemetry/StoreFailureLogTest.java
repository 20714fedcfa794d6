package io.github.iothubquickstart.localhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.event.EventRecordingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

/** A full disk refuses every message: the log gets one line with the cause, then a count every 10 s, not a line each. */
class StoreFailureLogTest {
    private final Queue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final EventRecordingLogger logger =
            new EventRecordingLogger(new SubstituteLogger("telemetry", events, false), events);
    private Instant now = Instant.parse("2026-12-07T00:00:00Z");
    private final StoreFailureLog log = new StoreFailureLog(logger, new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });
    private final RuntimeException diskFull = new UncheckedIOException(new IOException("No space left on device"));

    @Test
    void aThousandRefusalsInTenSecondsAreOneLineWithTheCauseThenACount() {
        for (int i = 0; i < 1_000; i++) {
            log.failed(1, "a telemetry message of dev-" + i, "telemetry/", diskFull);
            now = now.plusMillis(9);
        }
        assertThat(lines()).hasSize(1);
        assertThat(events.peek().getThrowable()).isSameAs(diskFull);
        assertThat(lines().get(0)).startsWith("ERROR Could not store a telemetry message of dev-0 in telemetry/");

        now = now.plus(Duration.ofSeconds(2));
        log.failed(3, "3 telemetry messages", "telemetry/", diskFull);
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).startsWith("ERROR Still cannot store telemetry in telemetry/: 1002 more messages"
                + " refused").contains("No space left on device");

        log.stored("telemetry/");
        log.stored("telemetry/");
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).isEqualTo("INFO Storing telemetry in telemetry/ works again; 1003 messages were"
                + " refused meanwhile, and the devices sent them again");
    }

    @Test
    void aFailureAfterRecoveryIsLoggedWithItsCauseAgain() {
        log.failed(1, "a telemetry message of a", "telemetry/", diskFull);
        log.stored("telemetry/");
        log.failed(1, "a telemetry message of b", "telemetry/", diskFull);
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).startsWith("ERROR Could not store a telemetry message of b");
    }

    @Test
    void successesAloneLogNothing() {
        log.stored("telemetry/");
        assertThat(events).isEmpty();
    }

    private List<String> lines() {
        return events.stream().map(event -> event.getLevel() + " "
                + MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray())).toList();
    }
}
