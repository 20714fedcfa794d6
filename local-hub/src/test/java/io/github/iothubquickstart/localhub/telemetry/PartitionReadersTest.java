package io.github.iothubquickstart.localhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.telemetry.PartitionReaders.RefusalReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event Hubs' rules for who reads a partition of a consumer group: owner levels and at most five readers. */
class PartitionReadersTest {
    private final PartitionReaders readers = new PartitionReaders();

    /** A reader that records who displaced it. */
    private static final class TestReader implements PartitionReaders.Reader {
        final String name;
        final Long ownerLevel;
        final List<PartitionReaders.Reader> displacedBy = new ArrayList<>();

        TestReader(String name, Long ownerLevel) {
            this.name = name;
            this.ownerLevel = ownerLevel;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Long ownerLevel() {
            return ownerLevel;
        }

        @Override
        public void displaced(PartitionReaders.Reader by) {
            displacedBy.add(by);
        }
    }

    @Test
    void anOwnerLevelDisplacesLowerEqualAndUnleveledReaders() {
        TestReader plain = new TestReader("plain", null);
        TestReader low = new TestReader("low", 1L);
        assertThat(readers.admit("$Default", 0, plain)).isEmpty();
        assertThat(readers.admit("$Default", 0, low)).isEmpty();
        assertThat(plain.displacedBy).containsExactly(low);

        TestReader same = new TestReader("same", 1L);
        assertThat(readers.admit("$Default", 0, same)).isEmpty();
        assertThat(low.displacedBy).containsExactly(same);
        assertThat(readers.count("$Default", 0)).isEqualTo(1);
    }

    @Test
    void aLowerLevelOrNoLevelIsRefusedWhileAHigherOneReads() {
        TestReader high = new TestReader("high", 5L);
        readers.admit("$Default", 1, high);

        assertThat(readers.admit("$Default", 1, new TestReader("low", 4L))).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).isEqualTo(RefusalReason.HIGHER_OWNER_LEVEL_READS);
            assertThat(refusal.ownerLevel()).isEqualTo(5L);
            assertThat(refusal.holder()).isEqualTo("high");
        });
        assertThat(readers.admit("$Default", 1, new TestReader(null, null)))
                .hasValueSatisfying(refusal -> assertThat(refusal.reason()).isEqualTo(RefusalReason.OWNER_LEVEL_READS));
        assertThat(high.displacedBy).isEmpty();
        // Other partitions and groups are not the owner's.
        assertThat(readers.admit("$Default", 0, new TestReader(null, null))).isEmpty();
        assertThat(readers.admit("other", 1, new TestReader(null, null))).isEmpty();
    }

    @Test
    void fiveReadersWithoutLevelFitAndASixthWaitsUntilOneLeaves() {
        List<TestReader> five = new ArrayList<>();
        for (int i = 0; i < PartitionReaders.MAX_READERS; i++) {
            TestReader reader = new TestReader("r" + i, null);
            assertThat(readers.admit("$Default", 0, reader)).isEmpty();
            five.add(reader);
        }
        TestReader sixth = new TestReader(null, null);
        assertThat(readers.admit("$Default", 0, sixth)).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).isEqualTo(RefusalReason.TOO_MANY_READERS);
            assertThat(refusal.readers()).containsExactly("r0", "r1", "r2", "r3", "r4");
        });

        readers.leave("$Default", 0, five.get(2));
        readers.leave("$Default", 0, five.get(2));
        assertThat(readers.count("$Default", 0)).isEqualTo(4);
        assertThat(readers.admit("$Default", 0, sixth)).isEmpty();
    }

    @Test
    void aDisplacedReaderLeavingLaterDoesNotRemoveTheOwner() {
        TestReader first = new TestReader("first", 0L);
        TestReader second = new TestReader("second", 0L);
        readers.admit("$Default", 0, first);
        readers.admit("$Default", 0, second);

        readers.leave("$Default", 0, first);

        assertThat(readers.count("$Default", 0)).isEqualTo(1);
        assertThat(readers.admit("$Default", 0, new TestReader("late", null))).isPresent();
    }
}
