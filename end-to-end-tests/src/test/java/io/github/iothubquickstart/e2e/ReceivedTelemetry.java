package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The telemetry a hub accepted during a test, taken in arrival order with a bounded wait for each message. */
final class ReceivedTelemetry implements Consumer<TelemetryMessage> {
    private final LinkedBlockingQueue<TelemetryMessage> queue = new LinkedBlockingQueue<>();

    @Override
    public void accept(TelemetryMessage message) {
        queue.add(message);
    }

    /** The next {@code count} messages; fails when one takes more than 15 s. */
    List<TelemetryMessage> take(int count) throws InterruptedException {
        List<TelemetryMessage> taken = new ArrayList<>();
        while (taken.size() < count) {
            TelemetryMessage message = queue.poll(15, TimeUnit.SECONDS);
            assertThat(message).as("telemetry message " + (taken.size() + 1) + " of " + count).isNotNull();
            taken.add(message);
        }
        return taken;
    }

    /** Asserts that consecutive messages came between {@code min} and {@code max} apart. */
    static void assertGapsBetween(List<TelemetryMessage> messages, Duration min, Duration max, String what) {
        for (int i = 1; i < messages.size(); i++) {
            Duration gap = Duration.between(messages.get(i - 1).enqueuedTime(), messages.get(i).enqueuedTime());
            assertThat(gap).as(what).isBetween(min, max);
        }
    }
}
