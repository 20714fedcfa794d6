package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTelemetryJournalTest {
    @TempDir
    Path directory;

    private static IncomingTelemetry message(String deviceId, String body, Instant at) {
        return new IncomingTelemetry(deviceId, at, Map.of("$.ct", "application/json"), Map.of("temperatureAlert", "true"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void storedMessagesAreNumberedInOrderAndReadBackWhole() throws Exception {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(directory.resolve("t.db"), TelemetryDurability.NORMAL)) {
            List<TelemetryMessage> stored = journal.append(List.of(message("a", "{\"n\":1}", at), message("b", "{\"n\":2}", at)));

            assertThat(stored).extracting(TelemetryMessage::sequenceNumber).containsExactly(1L, 2L);
            List<TelemetryMessage> read = journal.readAfter(0, 10);
            assertThat(read).extracting(TelemetryMessage::deviceId).containsExactly("a", "b");
            assertThat(new String(read.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
            assertThat(read.get(0).systemProperties()).containsEntry("$.ct", "application/json");
            assertThat(read.get(0).applicationProperties()).containsEntry("temperatureAlert", "true");
            assertThat(read.get(0).enqueuedTime()).isEqualTo(at);
            assertThat(journal.readAfter(1, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(2L);
        }
    }

    @Test
    void numberingContinuesAfterReopening() throws Exception {
        Path file = directory.resolve("t.db");
        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(file, TelemetryDurability.FULL)) {
            journal.append(List.of(message("a", "1", Instant.now()), message("a", "2", Instant.now())));
        }
        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(file, TelemetryDurability.FULL)) {
            assertThat(journal.lastSequence()).isEqualTo(2);
            assertThat(journal.append(List.of(message("a", "3", Instant.now()))).get(0).sequenceNumber()).isEqualTo(3);
        }
    }

    @Test
    void pruningKeepsTheNewestAndDropsTheTooOld() throws Exception {
        Instant old = Instant.parse("2026-01-01T00:00:00Z");
        Instant recent = Instant.parse("2026-11-26T00:00:00Z");
        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(directory.resolve("t.db"), TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "1", old), message("a", "2", recent), message("a", "3", recent),
                    message("a", "4", recent)));

            assertThat(journal.prune(2, recent.minusSeconds(60))).isEqualTo(2);

            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(3L, 4L);
            journal.prune(10, recent.plusSeconds(1));
            assertThat(journal.readAfter(0, 10)).isEmpty();
        }
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedWithWhatToDo() throws Exception {
        Path file = directory.resolve("t.db");
        Files.write(file, "this is not an SQLite database, it was half written".repeat(100).getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> SqliteTelemetryJournal.open(file, TelemetryDurability.NORMAL))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("move it away");
        assertThat(Files.readString(file)).startsWith("this is not an SQLite database");
    }

    @Test
    void aJournalInUseByAnotherHubIsRefusedWithoutCallingItUnreadable() throws Exception {
        Path file = directory.resolve("t.db");
        try (SqliteTelemetryJournal first = SqliteTelemetryJournal.open(file, TelemetryDurability.NORMAL)) {
            first.append(List.of(message("a", "1", Instant.now())));

            assertThatThrownBy(() -> SqliteTelemetryJournal.open(file, TelemetryDurability.NORMAL))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another process")
                    .hasMessageNotContaining("delete");
            assertThat(first.append(List.of(message("a", "2", Instant.now()))).get(0).sequenceNumber()).isEqualTo(2);
        }
    }

    @Test
    void aJournalOfAnEarlierVersionLosesItsTimeIndexAndKeepsItsMessages() throws Exception {
        Path file = directory.resolve("t.db");
        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(file, TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "1", Instant.now())));
        }
        try (Connection earlier = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = earlier.createStatement()) {
            statement.execute("CREATE INDEX telemetry_enqueued ON telemetry (enqueued_millis)");
        }

        try (SqliteTelemetryJournal journal = SqliteTelemetryJournal.open(file, TelemetryDurability.NORMAL)) {
            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(1L);
        }
        try (Connection after = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = after.createStatement();
             ResultSet indexes = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index'")) {
            assertThat(indexes.getInt(1)).isZero();
        }
    }
}
