package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentTelemetryLogTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @TempDir
    Path directory;

    private Path log() {
        return directory.resolve("telemetry");
    }

    private static IncomingTelemetry message(String deviceId, String body, Instant at) {
        return new IncomingTelemetry(deviceId, at, Map.of("$.ct", "application/json", "ünïcode", "välue"),
                Map.of("temperatureAlert", "true"), body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code count} messages of about 1 KB, enqueued a second apart from {@code from}. */
    private static List<IncomingTelemetry> messages(int count, Instant from) {
        List<IncomingTelemetry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(message("device-" + (i % 7), "{\"n\":" + i + ",\"pad\":\"" + "x".repeat(1000) + "\"}",
                    from.plusSeconds(i)));
        }
        return batch;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(log())) {
            return files.filter(file -> file.toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void storedMessagesAreNumberedInOrderAndReadBackWhole() {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            List<TelemetryMessage> stored = journal.append(List.of(message("a", "{\"n\":1}", AT), message("b", "{\"n\":2}", AT)));

            assertThat(stored).extracting(TelemetryMessage::sequenceNumber).containsExactly(1L, 2L);
            List<TelemetryMessage> read = journal.readAfter(0, 10);
            assertThat(read).extracting(TelemetryMessage::deviceId).containsExactly("a", "b");
            assertThat(new String(read.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}");
            assertThat(read.get(0).systemProperties()).containsEntry("$.ct", "application/json").containsEntry("ünïcode", "välue");
            assertThat(read.get(0).applicationProperties()).containsEntry("temperatureAlert", "true");
            assertThat(read.get(0).enqueuedTime()).isEqualTo(AT);
            assertThat(journal.readAfter(1, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(2L);
            assertThat(journal.lastSequence()).isEqualTo(2);
        }
    }

    @Test
    void readsFindSequenceNumbersAndTimesAcrossSegments() {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            int count = 20_000; // about 20 MB: three segments
            for (int i = 0; i < count; i += 1_000) {
                journal.append(messages(1_000, AT.plusSeconds(i)));
            }

            assertThat(journal.readAfter(12_344, 3)).extracting(TelemetryMessage::sequenceNumber)
                    .containsExactly(12_345L, 12_346L, 12_347L);
            assertThat(journal.readAfter(count - 2, 10)).extracting(TelemetryMessage::sequenceNumber)
                    .containsExactly((long) count - 1, (long) count);
            assertThat(journal.readAfter(count, 10)).isEmpty();
            List<TelemetryMessage> all = journal.readAfter(0, count + 1);
            assertThat(all).hasSize(count);
            assertThat(all.get(count - 1).sequenceNumber()).isEqualTo(count);
            // message n (from 0) was enqueued n seconds after AT, so it has sequence number n + 1
            assertThat(journal.firstSequenceAtOrAfter(AT.plusSeconds(9_000))).isEqualTo(9_001L);
            assertThat(journal.firstSequenceAtOrAfter(AT.plusMillis(8_999_500))).isEqualTo(9_001L);
            assertThat(journal.firstSequenceAtOrAfter(AT.minusSeconds(1))).isEqualTo(1L);
            assertThat(journal.firstSequenceAtOrAfter(AT.plusSeconds(count))).isEqualTo(count + 1L);
        }
    }

    @Test
    void numberingAndTheIndexContinueAfterReopening() throws Exception {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.FULL)) {
            for (int i = 0; i < 10_000; i += 1_000) {
                journal.append(messages(1_000, AT.plusSeconds(i)));
            }
        }
        assertThat(segmentFiles()).hasSizeGreaterThan(1);
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.FULL)) {
            assertThat(journal.lastSequence()).isEqualTo(10_000);
            assertThat(journal.append(List.of(message("a", "3", AT.plusSeconds(20_000)))).get(0).sequenceNumber())
                    .isEqualTo(10_001);
            assertThat(journal.readAfter(9_000, 1).get(0).sequenceNumber()).isEqualTo(9_001);
            assertThat(journal.firstSequenceAtOrAfter(AT.plusSeconds(5_000))).isEqualTo(5_001);
        }
    }

    @Test
    void pruningKeepsTheNewestAndDropsTheTooOld() {
        Instant old = Instant.parse("2026-01-01T00:00:00Z");
        Instant recent = Instant.parse("2026-11-26T00:00:00Z");
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "1", old), message("a", "2", recent), message("a", "3", recent),
                    message("a", "4", recent)));

            assertThat(journal.prune(2, recent.minusSeconds(60))).isEqualTo(2);

            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(3L, 4L);
            assertThat(journal.firstSequenceAtOrAfter(old)).as("the oldest retained").isEqualTo(3);
            journal.prune(10, recent.plusSeconds(1));
            assertThat(journal.readAfter(0, 10)).isEmpty();
            assertThat(journal.firstSequenceAtOrAfter(old)).as("none retained: the next").isEqualTo(5);
            assertThat(journal.append(List.of(message("a", "5", recent))).get(0).sequenceNumber()).isEqualTo(5);
            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(5L);
        }
    }

    @Test
    void pruningDeletesSegmentsWhollyBeyondRetention() throws Exception {
        int segmentsBefore;
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            for (int i = 0; i < 30_000; i += 1_000) {
                journal.append(messages(1_000, AT.plusSeconds(i)));
            }
            segmentsBefore = segmentFiles().size();

            journal.prune(1_000, AT);

            assertThat(journal.readAfter(0, 5_000)).hasSize(1_000).first()
                    .extracting(TelemetryMessage::sequenceNumber).isEqualTo(29_001L);
        } // closing waits for the deletions, which run in the background
        assertThat(segmentsBefore).isGreaterThanOrEqualTo(3);
        assertThat(segmentFiles()).hasSize(1);
    }

    @Test
    void theNextSegmentIsPreparedAheadAndNoSpareOutlivesTheLog() throws Exception {
        Path spare = log().resolve(SegmentTelemetryLog.SPARE_FILE);
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            for (int i = 0; i < 30_000; i += 1_000) {
                journal.append(messages(1_000, AT.plusSeconds(i)));
            }
            assertThat(segmentFiles()).hasSizeGreaterThanOrEqualTo(3);
            assertThat(journal.readAfter(0, 40_000)).hasSize(30_000)
                    .extracting(TelemetryMessage::sequenceNumber).doesNotHaveDuplicates().isSorted();
        }
        assertThat(spare).doesNotExist();
        // A spare a crash left behind (here: any file of that name) is neither read as a segment nor kept.
        Files.write(spare, new byte[] {1, 2, 3});
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            assertThat(journal.readAfter(0, 40_000)).hasSize(30_000);
            journal.append(messages(1, AT.plusSeconds(40_000)));
            assertThat(journal.lastSequence()).isEqualTo(30_001L);
        }
        assertThat(spare).doesNotExist();
    }

    @Test
    void aReaderInterruptedMidReadDoesNotStopTheLogForEveryoneElse() {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            for (int i = 0; i < 20_000; i += 1_000) {
                journal.append(messages(1_000, AT.plusSeconds(i)));
            }
            // An interrupted thread closes a FileChannel for every thread (a reader stopped as the monitor closes).
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> journal.readAfter(0, 20_000)).isInstanceOf(StorageException.class)
                        .hasMessageContaining("interrupted");
            } finally {
                Thread.interrupted();
            }

            journal.append(messages(10_000, AT.plusSeconds(20_000)));

            assertThat(journal.readAfter(0, 40_000)).hasSize(30_000)
                    .extracting(TelemetryMessage::sequenceNumber).doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    void enqueuedTimesNeverGoBackSoThatTimeReadsStayInOrder() {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "1", AT.plusSeconds(5)), message("b", "2", AT.plusSeconds(3))));

            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::enqueuedTime)
                    .containsExactly(AT.plusSeconds(5), AT.plusSeconds(5));
        }
    }

    /** Where the records of the log's only segment end (its file is longer: the reserve). */
    private long recordsEnd() throws IOException {
        LogSegment.Opened opened = LogSegment.open(segmentFiles().get(0));
        opened.segment().close();
        return opened.segment().size();
    }

    private void overwrite(long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(segmentFiles().get(0), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAndNumberingGoesOn() throws Exception {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "1", AT), message("a", "2", AT)));
        }
        // the first bytes of a third record: what a crash in the middle of a write can leave
        overwrite(recordsEnd(), new byte[] {0, 0, 1, 0, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 3});

        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            assertThat(journal.readAfter(0, 10)).extracting(TelemetryMessage::sequenceNumber).containsExactly(1L, 2L);
            assertThat(journal.append(List.of(message("a", "3", AT))).get(0).sequenceNumber()).isEqualTo(3);
        }
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            assertThat(journal.readAfter(0, 10)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                    .containsExactly("1", "2", "3");
        }
    }

    @Test
    void aDamagedRecordIsNeverReadAsAMessage() throws Exception {
        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            journal.append(List.of(message("a", "first", AT), message("a", "second", AT)));
        }
        overwrite(recordsEnd() - 6, "S".getBytes(StandardCharsets.US_ASCII)); // "second" -> "Second"

        try (SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            assertThat(journal.readAfter(0, 10)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                    .containsExactly("first");
        }
    }

    @Test
    void aLogInUseByAnotherHubIsRefusedWithoutCallingItUnreadable() {
        try (SegmentTelemetryLog first = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL)) {
            first.append(List.of(message("a", "1", AT)));

            assertThatThrownBy(() -> SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another process")
                    .hasMessageNotContaining("delete");
            assertThat(first.append(List.of(message("a", "2", AT))).get(0).sequenceNumber()).isEqualTo(2);
        }
    }

    @Test
    void aLogThatCannotBeReadIsRefusedWithWhatToDo() throws Exception {
        Files.writeString(directory.resolve("telemetry"), "a file where the log's directory should be");

        assertThatThrownBy(() -> SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(log().toString())
                .hasMessageContaining("move it away");
    }

    @Test
    void anAppendAfterCloseFailsNamingTheLog() {
        SegmentTelemetryLog journal = SegmentTelemetryLog.open(log(), TelemetryDurability.NORMAL);
        journal.close();

        assertThatThrownBy(() -> journal.append(List.of(message("a", "1", AT))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(log().toString());
    }
}
