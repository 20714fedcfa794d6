package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where accepted device-to-cloud messages go: numbered in arrival order and handed to every subscriber (the
 * monitor endpoint, tests). A subscriber that throws is logged and keeps its place; it cannot stop the others.
 */
public final class TelemetryFeed {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryFeed.class);

    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final CopyOnWriteArrayList<Consumer<TelemetryMessage>> subscribers = new CopyOnWriteArrayList<>();

    public TelemetryFeed(Clock clock) {
        this.clock = clock;
    }

    public TelemetryMessage accept(String deviceId, Map<String, String> systemProperties,
                                   Map<String, String> applicationProperties, byte[] body) {
        TelemetryMessage message = new TelemetryMessage(sequence.incrementAndGet(), deviceId, clock.instant(),
                systemProperties, applicationProperties, body);
        for (Consumer<TelemetryMessage> subscriber : subscribers) {
            try {
                subscriber.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("A telemetry subscriber failed on message {} from {}", message.sequenceNumber(), deviceId, e);
            }
        }
        return message;
    }

    /** Calls {@code subscriber} for each message from now on, until the returned handle is closed. */
    public AutoCloseable subscribe(Consumer<TelemetryMessage> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
