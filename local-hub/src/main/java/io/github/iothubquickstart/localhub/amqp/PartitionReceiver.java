package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.eventloop.ReadBackPressure;
import io.github.iothubquickstart.localhub.telemetry.PartitionedTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonSender;
import java.time.Instant;
import java.util.ArrayDeque;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Event Hubs partition receiver's link: the partition's stored messages from the start position, then live ones,
 * each once and in order, never more than the link's credit, and nothing while the connection's write queue is full
 * (a receiver that grants credit but does not read). Memory is bounded: at most {@link #MAX_READY} messages
 * wait for credit and {@link #MAX_LIVE_BUFFERED} live ones for a store read to finish; past that the receiver reads
 * them from the store later instead (telemetry is stored before subscribers see it). With nothing stored
 * ({@code --telemetry-retention 0}) a receiver that falls that far behind loses what it could not hold, as a monitor
 * does. Confined to the connection's event loop; store reads run on a worker.
 */
final class PartitionReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReceiver.class);
    /** Messages read ahead of the link's credit. */
    static final int MAX_READY = 256;
    /** Live messages held while the receiver is reading the store. */
    static final int MAX_LIVE_BUFFERED = 1024;

    private final Vertx vertx;
    private final Context context;
    private final ProtonSender sender;
    private final PartitionedTelemetry telemetry;
    private final int partition;
    private final ServiceLink link;
    /** Whether each event carries the partition's last enqueued event (the receiver asked for runtime metrics). */
    private final boolean runtimeMetrics;
    /** The partition's newest message known here: from the store at the start, then from the feed. */
    private LastEnqueued lastEnqueued;
    private final ArrayDeque<TelemetryMessage> ready = new ArrayDeque<>();
    private final ArrayDeque<TelemetryMessage> liveWhileBehind = new ArrayDeque<>();
    /** Every message up to this sequence number was sent, queued in {@link #ready}, or is another partition's. */
    private long cursor;
    /** Whether the store may hold messages after {@link #cursor} that are not in {@link #ready}. */
    private boolean behind = true;
    private boolean reading;
    private boolean liveOverflowed;
    private boolean ended;
    private AutoCloseable subscription;
    /** The connection's write queue (null where the socket is not the hub's own, as in unit tests). */
    private final ReadBackPressure writes;
    private boolean waitingForDrain;

    PartitionReceiver(Vertx vertx, Context context, ProtonSender sender, PartitionedTelemetry telemetry, int partition,
                      ServiceLink link, boolean runtimeMetrics) {
        this.vertx = vertx;
        this.context = context;
        this.sender = sender;
        this.telemetry = telemetry;
        this.partition = partition;
        this.link = link;
        this.runtimeMetrics = runtimeMetrics;
        this.writes = sender.getSession().getConnection().attachments()
                .get(HubSaslAuthenticator.WRITES, ReadBackPressure.class);
    }

    /** A partition's newest message, as Event Hubs' runtime metrics describe it. */
    private record LastEnqueued(long sequenceNumber, Instant enqueuedTime) {
        static LastEnqueued newer(LastEnqueued known, long sequenceNumber, Instant enqueuedTime) {
            return known != null && known.sequenceNumber >= sequenceNumber
                    ? known : new LastEnqueued(sequenceNumber, enqueuedTime);
        }
    }

    /** Call once the link is open: subscribes first, so nothing accepted while the start is looked up is missed. */
    void start(EventPositionFilter.Start start) {
        subscription = telemetry.feed().subscribe(message -> context.runOnContext(ignored -> onLive(message)));
        sender.sendQueueDrainHandler(ignored -> pump());
        reading = true;
        vertx.executeBlocking(() -> {
            long after = start.after(telemetry.feed());
            // Looked up after subscribing: what arrives meanwhile comes live too, and the newer one counts.
            return runtimeMetrics ? new Started(after, telemetry.properties(partition)) : new Started(after, null);
        }, false).onComplete(resolved -> {
            reading = false;
            if (resolved.failed()) {
                fail(resolved.cause());
                return;
            }
            cursor = resolved.result().after();
            PartitionedTelemetry.Properties stored = resolved.result().partition();
            if (stored != null && !stored.empty()) {
                lastEnqueued = LastEnqueued.newer(lastEnqueued, stored.lastSequence(), stored.lastEnqueued());
            }
            pump();
        });
    }

    private record Started(long after, PartitionedTelemetry.Properties partition) {
    }

    private void onLive(TelemetryMessage message) {
        if (ended) {
            return;
        }
        if (runtimeMetrics && telemetry.partitions().partitionOf(message.deviceId()) == partition) {
            lastEnqueued = LastEnqueued.newer(lastEnqueued, message.sequenceNumber(), message.enqueuedTime());
        }
        if (gone()) {
            end();
            return;
        }
        if (reading || behind) {
            if (liveWhileBehind.size() < MAX_LIVE_BUFFERED) {
                liveWhileBehind.add(message);
            } else {
                liveOverflowed = true;
            }
            return;
        }
        take(message);
        pump();
    }

    /** A live message while caught up: queued, or, with no room, left in the store for a read later. */
    private void take(TelemetryMessage message) {
        if (message.sequenceNumber() <= cursor) {
            return;
        }
        if (ready.size() >= MAX_READY) {
            behind = true;
            return;
        }
        cursor = message.sequenceNumber();
        if (telemetry.partitions().partitionOf(message.deviceId()) == partition) {
            ready.add(message);
        }
    }

    private void pump() {
        if (ended) {
            return;
        }
        if (gone()) {
            end();
            return;
        }
        while (!ready.isEmpty() && !sender.sendQueueFull() && link.authorized()) {
            if (writes != null && writes.writeQueueFull()) {
                // Credit is what the receiver may take, not what it reads: wait until it has read what was sent.
                if (!waitingForDrain) {
                    waitingForDrain = true;
                    writes.whenDrained(() -> {
                        waitingForDrain = false;
                        pump();
                    });
                }
                return;
            }
            sender.send(toMessage(ready.poll()));
        }
        if (behind && !reading && ready.size() <= MAX_READY / 2) {
            readStore();
        }
    }

    private Message toMessage(TelemetryMessage telemetry) {
        Message message = EventHubsEvents.toMessage(telemetry);
        if (runtimeMetrics) {
            LastEnqueued last = LastEnqueued.newer(lastEnqueued, telemetry.sequenceNumber(), telemetry.enqueuedTime());
            message.setDeliveryAnnotations(EventHubsEvents.runtimeInfo(last.sequenceNumber(), last.enqueuedTime(),
                    Instant.now()));
        }
        return message;
    }

    /** The link was closed (by the peer, or by the hub when the token expired) or its connection is gone. */
    private boolean gone() {
        return !sender.isOpen() || sender.getSession().getConnection().isDisconnected();
    }

    private void readStore() {
        reading = true;
        // What arrived live so far is stored, so this read covers it: only what arrives during the read counts.
        liveWhileBehind.clear();
        liveOverflowed = false;
        long after = cursor;
        int room = MAX_READY - ready.size();
        vertx.executeBlocking(() -> telemetry.read(partition, after, room), false).onComplete(read -> {
            reading = false;
            if (ended) {
                return;
            }
            if (read.failed()) {
                fail(read.cause());
                return;
            }
            PartitionedTelemetry.Page page = read.result();
            for (TelemetryMessage message : page.messages()) {
                if (message.sequenceNumber() > cursor) {
                    ready.add(message);
                }
            }
            cursor = Math.max(cursor, page.scannedUpTo());
            if (page.caughtUp() && !liveOverflowed) {
                behind = false;
                TelemetryMessage live;
                while (!behind && (live = liveWhileBehind.poll()) != null) {
                    take(live);
                }
                liveWhileBehind.clear();
            }
            pump();
        });
    }

    private void fail(Throwable cause) {
        LOG.warn("Closing the Event Hubs receiver of partition {} for {}: reading telemetry failed", partition,
                link.who(), cause);
        sender.setCondition(new ErrorCondition(AmqpError.INTERNAL_ERROR,
                "The hub could not read its stored telemetry; attach again later."));
        sender.close();
        end();
    }

    /** Stops following the feed: the link closed, the connection went, or reading failed. Idempotent. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        ready.clear();
        liveWhileBehind.clear();
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("Closing a partition receiver's subscription failed", e);
        }
    }
}
