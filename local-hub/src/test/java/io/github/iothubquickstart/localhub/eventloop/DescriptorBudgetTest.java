package io.github.iothubquickstart.localhub.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget.Use;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DescriptorBudgetTest {
    /** The operating system's side: what is open, how often it was counted, and a clock. */
    private static final class FakeDescriptors implements OpenDescriptors {
        long open;
        long max;
        int counts;
        long nanos;

        FakeDescriptors(long open, long max) {
            this.open = open;
            this.max = max;
        }

        @Override
        public long open() {
            counts++;
            return open;
        }

        @Override
        public long max() {
            return max;
        }

        void advanceSeconds(long seconds) {
            nanos += TimeUnit.SECONDS.toNanos(seconds);
        }
    }

    @Test
    void devicesStopAtTheReserveAndRequestsHalfwayIntoIt() {
        FakeDescriptors os = new FakeDescriptors(100, 20_000);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        // 20,000 / 32 = 625 kept back: devices up to 19,375 open, requests up to 19,688.
        assertThat(budget.limit(Use.DEVICE)).isEqualTo(19_375);
        assertThat(budget.limit(Use.REQUEST)).isEqualTo(19_688);
        assertThat(new DescriptorBudget(new FakeDescriptors(0, 256), () -> 0).limit(Use.DEVICE))
                .as("at least %d kept back", DescriptorBudget.MIN_RESERVE).isEqualTo(192);
        assertThat(new DescriptorBudget(new FakeDescriptors(0, 1 << 20), () -> 0).limit(Use.DEVICE))
                .as("at most %d kept back", DescriptorBudget.MAX_RESERVE).isEqualTo((1 << 20) - 1024);
    }

    @Test
    void countsConnectionsBetweenSamplesAndRefusesPastTheLimit() {
        FakeDescriptors os = new FakeDescriptors(100, 256);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        // The first connection is in the count; the next 92 are counted here, not by the operating system.
        for (int i = 0; i < 93; i++) {
            assertThat(budget.admit(Use.DEVICE)).as("connection %d", i).isTrue();
        }
        assertThat(os.counts).isEqualTo(1);
        assertThat(budget.admit(Use.DEVICE)).as("the 193rd descriptor").isFalse();
        assertThat(budget.admit(Use.REQUEST)).as("requests may go on into the reserve").isTrue();
        assertThat(os.counts).as("not counted again within a second").isEqualTo(1);
    }

    @Test
    void closedConnectionsMakeRoomAgain() {
        FakeDescriptors os = new FakeDescriptors(192, 256);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        assertThat(budget.admit(Use.DEVICE)).isTrue();
        assertThat(budget.admit(Use.DEVICE)).isFalse();
        budget.closed();
        budget.closed();
        assertThat(budget.admit(Use.DEVICE)).isTrue();
    }

    @Test
    void whileRefusingCountsAgainEverySecondToSeeFilesOthersClosed() {
        FakeDescriptors os = new FakeDescriptors(200, 256);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        assertThat(budget.admit(Use.DEVICE)).isFalse();
        os.open = 150; // the stores closed files, which this budget does not see
        assertThat(budget.admit(Use.DEVICE)).isFalse();
        os.advanceSeconds(DescriptorBudget.REFUSING_SAMPLE_SECONDS);
        assertThat(budget.admit(Use.DEVICE)).isTrue();
        assertThat(os.counts).isEqualTo(2);
    }

    @Test
    void countsAgainAfterTenSecondsEvenWhenAdmitting() {
        FakeDescriptors os = new FakeDescriptors(100, 256);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        budget.admit(Use.DEVICE);
        os.open = 250; // the stores opened files
        assertThat(budget.admit(Use.DEVICE)).isTrue();
        os.advanceSeconds(DescriptorBudget.SAMPLE_SECONDS);
        assertThat(budget.admit(Use.DEVICE)).isFalse();
    }

    @Test
    void anOperatingSystemThatDoesNotSayRefusesNothing() {
        FakeDescriptors os = new FakeDescriptors(OpenDescriptors.UNKNOWN, OpenDescriptors.UNKNOWN);
        DescriptorBudget budget = new DescriptorBudget(os, () -> os.nanos);
        for (int i = 0; i < 1000; i++) {
            assertThat(budget.admit(Use.DEVICE)).isTrue();
        }
        assertThat(budget.hasRoomFor(Use.DEVICE)).isTrue();
    }
}
