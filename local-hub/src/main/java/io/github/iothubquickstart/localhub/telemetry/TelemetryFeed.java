package io.github.iothubquickstart.localhub.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where accepted device-to-cloud messages go: stored (unless retention is none), numbered in arrival order, then
 * handed to every subscriber (the monitor endpoint, tests) in that order. A subscriber that throws is logged and
 * keeps its place; it cannot stop the others.
 */
public final class TelemetryFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryFeed.class);
    /** Messages that may wait for the disk before new ones are refused (devices then send them again). */
    static final int COMMIT_QUEUE_CAPACITY = 200_000;
    /** The same bound on the bytes of their bodies (FULL durability only; NORMAL stores at once). */
    static final long COMMIT_QUEUE_BYTES = 64L * 1024 * 1024;

    private final Clock clock;
    private final TelemetryStore store;
    private final TelemetryWriter writer;
    private final CopyOnWriteArrayList<Consumer<TelemetryMessage>> subscribers = new CopyOnWriteArrayList<>();
    /** The newest sequence number handed to subscribers (or stored before this start): where "from now on" begins. */
    private volatile long lastDelivered;

    private TelemetryFeed(Clock clock, TelemetryStore store, Function<Consumer<List<TelemetryMessage>>, TelemetryWriter> writer) {
        this.clock = clock;
        this.store = store;
        this.lastDelivered = store == null ? 0 : store.lastSequence();
        this.writer = writer.apply(this::deliver);
    }

    /**
     * Telemetry kept in {@code store} as {@code retention} says, acknowledged only once stored: with NORMAL
     * durability stored on the receiving thread at once (the store's append must survive a crash of the process),
     * with FULL in batches on a commit thread, so that one flush to the disk serves many messages.
     */
    public static TelemetryFeed stored(Clock clock, TelemetryStore store, TelemetryRetention retention,
                                       TelemetryDurability durability) {
        RetentionPruner pruner = new RetentionPruner(store, retention, clock);
        return new TelemetryFeed(clock, store, deliver -> durability == TelemetryDurability.FULL
                ? new GroupCommitWriter(store, COMMIT_QUEUE_CAPACITY, COMMIT_QUEUE_BYTES, pruner.andThen(deliver))
                : new InlineTelemetryWriter(store, pruner.andThen(deliver)));
    }

    /** Telemetry passed to subscribers and acknowledged at once, never stored. */
    public static TelemetryFeed unstored(Clock clock) {
        return new TelemetryFeed(clock, null, UnstoredTelemetryWriter::new);
    }

    /**
     * As {@link #accept(String, Map, Map, byte[])} from a device or a module, as IoT Hub stamps it (and only the hub:
     * a device's own values are dropped): a module's message carries its module id in the system property
     * {@value TelemetryMessage#MODULE_ID_PROPERTY}; the sender's generation id (as authenticated) goes in
     * {@value TelemetryMessage#AUTH_GENERATION_ID_PROPERTY}, null stamping nothing.
     */
    public CompletableFuture<TelemetryMessage> accept(IdentityId sender, String generationId,
                                                     Map<String, String> systemProperties,
                                                     Map<String, String> applicationProperties, byte[] body) {
        if (systemProperties.isEmpty() && !sender.isModule()) {
            // The common case (a device's message without system properties), without copying maps per message.
            Map<String, String> stamped = generationId == null ? Map.of()
                    : Map.of(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY, generationId);
            return accept(sender.deviceId(), stamped, applicationProperties, body);
        }
        Map<String, String> system = new LinkedHashMap<>(systemProperties);
        system.remove(TelemetryMessage.MODULE_ID_PROPERTY);
        system.remove(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY);
        if (sender.isModule()) {
            system.put(TelemetryMessage.MODULE_ID_PROPERTY, sender.moduleId());
        }
        if (generationId != null) {
            system.put(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY, generationId);
        }
        return accept(sender.deviceId(), system, applicationProperties, body);
    }

    /** Completes once the message may be acknowledged to the device; fails when it could not be stored. */
    public CompletableFuture<TelemetryMessage> accept(String deviceId, Map<String, String> systemProperties,
                                                     Map<String, String> applicationProperties, byte[] body) {
        return writer.write(new IncomingTelemetry(deviceId, clock.instant(), systemProperties, applicationProperties, body));
    }

    /** Calls {@code subscriber} for each message stored from now on, in order, until the handle is closed. */
    public AutoCloseable subscribe(Consumer<TelemetryMessage> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Stored messages after {@code sequenceNumber}, oldest first; empty when nothing is stored. Blocking. */
    public List<TelemetryMessage> storedAfter(long sequenceNumber, int limit) {
        if (store == null) {
            return List.of();
        }
        return store.readAfter(sequenceNumber, limit);
    }

    /**
     * The sequence number of the newest message subscribers were given (or that was stored before the hub started):
     * a subscriber that then skips everything up to it gets exactly the messages accepted from now on.
     */
    public long lastSequence() {
        return lastDelivered;
    }

    /** The first stored message enqueued at or after {@code time}, or after the newest when none is. Blocking. */
    public long firstStoredAtOrAfter(Instant time) {
        return store == null ? lastDelivered + 1 : store.firstSequenceAtOrAfter(time);
    }

    private void deliver(List<TelemetryMessage> messages) {
        for (TelemetryMessage message : messages) {
            lastDelivered = message.sequenceNumber();
            for (Consumer<TelemetryMessage> subscriber : subscribers) {
                try {
                    subscriber.accept(message);
                } catch (RuntimeException e) {
                    LOG.warn("A telemetry subscriber failed on message {} from {}", message.sequenceNumber(),
                            message.deviceId(), e);
                }
            }
        }
    }

    /** Stores what is still queued, then closes the store. */
    @Override
    public void close() {
        writer.close();
        if (store != null) {
            store.close();
        }
    }
}
