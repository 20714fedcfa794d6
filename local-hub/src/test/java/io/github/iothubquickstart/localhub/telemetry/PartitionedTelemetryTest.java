package io.github.iothubquickstart.localhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.testing.InMemoryTelemetryStore;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartitionedTelemetryTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private final TestClock clock = new TestClock(START);
    private final InMemoryTelemetryStore store = new InMemoryTelemetryStore();
    private final TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.NORMAL);
    private final TelemetryPartitions partitions = new TelemetryPartitions(2);
    private final PartitionedTelemetry partitioned = new PartitionedTelemetry(feed, partitions);
    /** Two devices that land in different partitions. */
    private final String first = "device-a";
    private final String second = otherPartitionThan(first);

    @AfterEach
    void close() {
        feed.close();
    }

    private String otherPartitionThan(String deviceId) {
        for (int i = 0; ; i++) {
            if (partitions.partitionOf("device-" + i) != partitions.partitionOf(deviceId)) {
                return "device-" + i;
            }
        }
    }

    /** Sends and waits until subscribers have it: the feed acknowledges a message before it hands it on. */
    private TelemetryMessage send(String deviceId) throws InterruptedException {
        clock.advance(Duration.ofSeconds(1));
        CountDownLatch delivered = new CountDownLatch(1);
        try (AutoCloseable subscription = feed.subscribe(message -> delivered.countDown())) {
            TelemetryMessage message = feed.accept(deviceId, Map.of(), Map.of(), new byte[0]).join();
            assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
            return message;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception closing) {
            throw new IllegalStateException(closing);
        }
    }

    @Test
    void theSameDeviceAlwaysLandsInTheSamePartitionAndDevicesSpreadOverAll() {
        assertThat(new TelemetryPartitions(4).partitionOf("MyJavaDevice"))
                .isEqualTo(new TelemetryPartitions(4).partitionOf("MyJavaDevice"));
        // FNV-1a of the id (MyJavaDevice: 0x92fbc0c1): the values must not change between versions, or readers'
        // checkpoints would point into other partitions.
        TelemetryPartitions seven = new TelemetryPartitions(7);
        assertThat(List.of("MyJavaDevice", "device-1", "sensor-42", "dev+1")).extracting(seven::partitionOf)
                .containsExactly(6, 4, 3, 1);
        long inFirst = java.util.stream.IntStream.range(0, 1000)
                .filter(i -> partitions.partitionOf("d" + i) == 0).count();
        assertThat(inFirst).isBetween(400L, 600L);
    }

    @Test
    void partitionIdsAreParsedStrictly() {
        assertThat(partitions.ids()).containsExactly("0", "1");
        assertThat(partitions.parse("1")).isEqualTo(1);
        assertThat(List.of("2", "-1", "01", "", "x", "9999")).allMatch(id -> partitions.parse(id) == -1);
    }

    @Test
    void aPageHoldsOnlyThePartitionsMessagesInOrderAndSaysHowFarItScanned() throws InterruptedException {
        TelemetryMessage a1 = send(first);
        send(second);
        TelemetryMessage a2 = send(first);
        TelemetryMessage b2 = send(second);

        PartitionedTelemetry.Page page = partitioned.read(partitions.partitionOf(first), 0, 10);

        assertThat(page.messages()).containsExactly(a1, a2);
        assertThat(page.scannedUpTo()).isEqualTo(b2.sequenceNumber());
        assertThat(page.caughtUp()).isTrue();
        assertThat(partitioned.read(partitions.partitionOf(first), a1.sequenceNumber(), 1).messages()).containsExactly(a2);
    }

    @Test
    void aQuietPartitionsPageEndsAfterABoundedScan() {
        for (int i = 0; i < PartitionedTelemetry.SCAN_PAGE * PartitionedTelemetry.MAX_SCANS_PER_PAGE + 5; i++) {
            feed.accept(second, Map.of(), Map.of(), new byte[0]).join();
        }

        PartitionedTelemetry.Page page = partitioned.read(partitions.partitionOf(first), 0, 10);

        assertThat(page.messages()).isEmpty();
        assertThat(page.caughtUp()).isFalse();
        assertThat(page.scannedUpTo()).isEqualTo(PartitionedTelemetry.SCAN_PAGE * PartitionedTelemetry.MAX_SCANS_PER_PAGE);
    }

    @Test
    void propertiesNameThePartitionsOldestAndNewestMessage() throws InterruptedException {
        assertThat(partitioned.properties(0)).isEqualTo(PartitionedTelemetry.Properties.EMPTY);
        TelemetryMessage a1 = send(first);
        send(second);
        TelemetryMessage a2 = send(first);
        for (int i = 0; i < PartitionedTelemetry.SCAN_PAGE + 3; i++) {
            send(second);
        }

        PartitionedTelemetry.Properties properties = partitioned.properties(partitions.partitionOf(first));

        assertThat(properties).isEqualTo(new PartitionedTelemetry.Properties(a1.sequenceNumber(), a2.sequenceNumber(),
                a2.enqueuedTime(), false));
    }

    @Test
    void theFeedKnowsWhereNowIsAndWhereATimeStarts() throws InterruptedException {
        TelemetryMessage a1 = send(first);
        TelemetryMessage a2 = send(first);

        assertThat(feed.lastSequence()).isEqualTo(a2.sequenceNumber());
        assertThat(feed.firstStoredAtOrAfter(a1.enqueuedTime().plusMillis(1))).isEqualTo(a2.sequenceNumber());
        assertThat(feed.firstStoredAtOrAfter(a2.enqueuedTime().plusSeconds(1))).isEqualTo(a2.sequenceNumber() + 1);
        assertThat(TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.NORMAL).lastSequence())
                .as("a feed opened on a store that has messages starts after them").isEqualTo(a2.sequenceNumber());
    }
}
