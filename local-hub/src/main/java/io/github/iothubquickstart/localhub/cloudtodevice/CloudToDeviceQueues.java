package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.CloudToDeviceMessageCount;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud-to-device queues, as IoT Hub keeps them: one per device and one per module of a device (a device's receiver
 * never sees its modules' messages, nor a module's its device's), at most {@value #MAX_QUEUED} messages each, each
 * stored before the sender hears it was accepted, expiring after its time to live (default one hour, at most 48),
 * locked while a device holds it, then completed, rejected (dead-lettered) or abandoned (queued again; after
 * {@value #MAX_DELIVERY_COUNT} deliveries dead-lettered). A lock the device neither settles nor gives back lapses
 * after the lock timeout (IoT Hub's: one minute): the message is queued again, that delivery counted, and a later
 * answer to it settles nothing ("lock lost"). One message per device is with the device at a time, so a device sees
 * its messages in order. Each end of a message adds feedback for the sender when its {@code ack} asks for it.
 * Everything runs on one thread, which alone uses the store; the registry reads the queues' depths from any thread.
 */
public final class CloudToDeviceQueues implements CloudToDeviceMessageCount, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudToDeviceQueues.class);
    public static final int MAX_QUEUED = 50;
    public static final int MAX_DELIVERY_COUNT = 10;
    /** IoT Hub's limit on a cloud-to-device message: its body and application properties. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);
    public static final Duration MAX_TIME_TO_LIVE = Duration.ofHours(48);
    /** IoT Hub's lock (visibility) timeout, which a hub cannot change. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration EXPIRY_SWEEP = Duration.ofSeconds(1);
    private static final int EXPIRED_PER_SWEEP = 200;

    private final CloudToDeviceStore store;
    private final DeviceRegistry registry;
    private final ModuleRegistry modules;
    private final FeedbackQueue feedback;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    private final Duration lockTimeout;
    /** By device or module; confined to {@link #thread}. */
    private final Map<IdentityId, Delivery> deliveries = new HashMap<>();
    /** Messages in each device's queue, held by the device or not; written on {@link #thread}, read anywhere. */
    private final Map<QueueKey, Integer> depths = new ConcurrentHashMap<>();
    private ScheduledFuture<?> sweeper;

    /** What is with a device now, and where its next message goes. */
    private static final class Delivery {
        CloudToDeviceReceiver receiver;
        QueuedMessage inFlight;
        CloudToDeviceReceiver inFlightTo;
        long lockedUntilMillis;
    }

    /** A device's or module's queue: one deleted and created again under the same id has a queue of its own. */
    private record QueueKey(IdentityId identity, String generationId) {
    }

    /** With IoT Hub's lock timeout, {@link #DEFAULT_LOCK_TIMEOUT}. */
    public <R extends DeviceRegistry & ModuleRegistry> CloudToDeviceQueues(CloudToDeviceStore store, R registry,
                               FeedbackQueue feedback, ScheduledExecutorService thread, Clock clock) {
        this(store, registry, feedback, thread, clock, DEFAULT_LOCK_TIMEOUT);
    }

    /**
     * @param thread one thread, shared with {@code feedback}: it alone touches the store
     * @param lockTimeout how long a device may hold a message without settling it before it is queued again
     */
    public <R extends DeviceRegistry & ModuleRegistry> CloudToDeviceQueues(CloudToDeviceStore store, R registry,
                               FeedbackQueue feedback, ScheduledExecutorService thread, Clock clock,
                               Duration lockTimeout) {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new IllegalArgumentException("The lock timeout must be positive, not " + lockTimeout + ".");
        }
        this.store = store;
        this.registry = registry;
        this.modules = registry;
        this.feedback = feedback;
        this.thread = thread;
        this.clock = clock;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Counts what the store holds, then starts expiring messages, feedback and locks; what expired while the hub was
     * down goes first. Call it before anything else uses the queues.
     */
    public CloudToDeviceQueues start() {
        // Nothing else uses the store yet, so reading it here, off the queues' thread, races with nothing.
        for (QueueDepth depth : store.queueDepths()) {
            depths.put(new QueueKey(depth.identity(), depth.generationId()), depth.messages());
        }
        // A short lock timeout (tests) is checked often enough to lapse close to on time.
        long sweepMillis = Math.max(10, Math.min(EXPIRY_SWEEP.toMillis(), lockTimeout.toMillis() / 4));
        sweeper = thread.scheduleWithFixedDelay(() -> guarded("expire messages", this::sweep), 0, sweepMillis,
                TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * The device's {@code cloudToDeviceMessageCount}: its messages queued and not yet completed, rejected, expired or
     * purged, the one it holds included; its modules' queues are not counted. Any thread.
     */
    @Override
    public int of(DeviceIdentity device) {
        return depths.getOrDefault(new QueueKey(IdentityId.device(device.deviceId()), device.generationId()), 0);
    }

    /**
     * Queues the message for the device; completes once it is stored, or fails with a
     * {@link CloudToDeviceException} saying why not (unknown device, queue full, too large, not stored).
     */
    public CompletableFuture<QueuedMessage> send(String deviceId, OutgoingMessage message) {
        return send(IdentityId.device(deviceId), message);
    }

    /** Queues the message for the device or module, as {@link #send(String, OutgoingMessage)}. */
    public CompletableFuture<QueuedMessage> send(IdentityId to, OutgoingMessage message) {
        int size = sizeOf(message);
        if (size > MAX_MESSAGE_BYTES) {
            return CompletableFuture.failedFuture(new CloudToDeviceException(CloudToDeviceException.Reason.MESSAGE_TOO_LARGE,
                    "The message is " + size + " bytes; IoT Hub takes cloud-to-device messages up to "
                            + MAX_MESSAGE_BYTES + " bytes."));
        }
        return onThread(() -> {
            String generationId = generationOf(to).orElseThrow(() -> new CloudToDeviceException(
                    CloudToDeviceException.Reason.DEVICE_NOT_FOUND, describe(to) + " is not registered in this hub."));
            long now = clock.millis();
            QueuedMessage queued = store.enqueue(to, generationId, message, now, expiryOf(message, now), MAX_QUEUED);
            if (queued == null) {
                throw new CloudToDeviceException(CloudToDeviceException.Reason.QUEUE_FULL, describe(to)
                        + " has " + MAX_QUEUED + " cloud-to-device messages queued, IoT Hub's most; it must complete"
                        + " some first, or purge its queue.");
            }
            counted(queued, 1);
            LOG.debug("Queued cloud-to-device message {} for {}", queued.sequenceNumber(), to);
            pump(to);
            return queued;
        });
    }

    /** The generation of the device or module now registered under that id; empty when there is none. */
    private Optional<String> generationOf(IdentityId identity) {
        return identity.isModule()
                ? modules.findModule(identity.deviceId(), identity.moduleId()).map(module -> module.generationId())
                : registry.findDevice(identity.deviceId()).map(DeviceIdentity::generationId);
    }

    private static String describe(IdentityId identity) {
        return identity.isModule() ? "Module " + identity.moduleId() + " of device " + identity.deviceId()
                : "Device " + identity.deviceId();
    }

    /** Empties the device's queue; completes with how many messages were removed. */
    public CompletableFuture<Integer> purge(String deviceId) {
        return onThread(() -> {
            if (registry.findDevice(deviceId).isEmpty()) {
                throw new CloudToDeviceException(CloudToDeviceException.Reason.DEVICE_NOT_FOUND,
                        "Device " + deviceId + " is not registered in this hub.");
            }
            long now = clock.millis();
            IdentityId queue = IdentityId.device(deviceId);
            List<QueuedMessage> purged = store.purge(queue, message -> message.ack().wants(FeedbackStatus.PURGED)
                    ? Optional.of(FeedbackRecord.of(message, FeedbackStatus.PURGED, clock.instant()))
                    : Optional.empty());
            purged.forEach(message -> counted(message, -1));
            Delivery delivery = deliveries.get(queue);
            if (delivery != null) {
                // What the device holds is gone: its answer, when it comes, changes nothing.
                delivery.inFlight = null;
                delivery.inFlightTo = null;
            }
            if (purged.stream().anyMatch(message -> message.ack().wants(FeedbackStatus.PURGED))) {
                feedback.added();
            }
            LOG.info("Purged {} cloud-to-device messages of device {} ({} ms)", purged.size(), deviceId,
                    clock.millis() - now);
            return purged.size();
        });
    }

    /** The receiver's device may be sent its next message now; it replaces any receiver of the device before. */
    public void receiverReady(CloudToDeviceReceiver receiver) {
        run("deliver to " + receiver.identity(), () -> {
            deliveries.computeIfAbsent(receiver.identity(), id -> new Delivery()).receiver = receiver;
            pump(receiver.identity());
        });
    }

    /** The receiver is gone (unsubscribed, link closed, disconnected): what it held goes back to the queue. */
    public void receiverGone(CloudToDeviceReceiver receiver) {
        run("take back from " + receiver.identity(), () -> {
            Delivery delivery = deliveries.get(receiver.identity());
            if (delivery == null) {
                return;
            }
            if (delivery.receiver == receiver) {
                delivery.receiver = null;
            }
            if (delivery.inFlightTo == receiver) {
                delivery.inFlight = null;
                delivery.inFlightTo = null;
            }
            if (delivery.receiver == null && delivery.inFlight == null) {
                deliveries.remove(receiver.identity());
            } else {
                pump(receiver.identity());
            }
        });
    }

    /**
     * The device took the message: it leaves the queue ({@code Success} feedback). Completes with false when the
     * receiver does not hold that message (its lock lapsed, purged, or taken back), and nothing changed. A receiver
     * that may be given the same message twice (MQTT, AMQP: again on the same link after a lapse) settles by
     * {@link LockToken} instead.
     */
    public CompletableFuture<Boolean> complete(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return onThread(() -> settle(receiver, sequenceNumber, ANY_DELIVERY, FeedbackStatus.SUCCESS));
    }

    /** The device refused the message: it is dead-lettered ({@code Rejected} feedback). False as {@link #complete}. */
    public CompletableFuture<Boolean> reject(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return onThread(() -> settle(receiver, sequenceNumber, ANY_DELIVERY, FeedbackStatus.REJECTED));
    }

    /**
     * The device gave the message back: it is delivered again, unless it was delivered too often or expired. False
     * as {@link #complete}.
     */
    public CompletableFuture<Boolean> abandon(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return onThread(() -> settle(receiver, sequenceNumber, ANY_DELIVERY, null));
    }

    /**
     * For a receiver that asks for one message at a time (an HTTPS device's GET): the device's next message, now
     * delivered to {@code receiver} and held by it until settled or taken back; empty when the device already holds
     * one (one message in flight per device, whichever transport holds it) or none is queued. The receiver does not
     * become the device's standing receiver: an MQTT or AMQP receiver of the device stays where it was.
     */
    public CompletableFuture<Optional<QueuedMessage>> takeOne(CloudToDeviceReceiver receiver) {
        return onThread(() -> {
            releaseIfLapsed(receiver.identity(), clock.millis());
            Delivery delivery = deliveries.computeIfAbsent(receiver.identity(), id -> new Delivery());
            if (delivery.inFlight == null) {
                CloudToDeviceReceiver standing = delivery.receiver;
                delivery.receiver = receiver;
                try {
                    pump(receiver.identity());
                } finally {
                    delivery.receiver = standing;
                }
            }
            if (delivery.inFlightTo == receiver) {
                return Optional.of(delivery.inFlight);
            }
            if (delivery.receiver == null && delivery.inFlight == null) {
                deliveries.remove(receiver.identity());
            }
            return Optional.empty();
        });
    }

    /**
     * Completes the delivery {@code lock} of {@link QueuedMessage#lockToken()}; false when the receiver no longer holds
     * it (its lock lapsed, the message was purged or taken back: IoT Hub's "lock lost"), and nothing changes.
     */
    public CompletableFuture<Boolean> complete(CloudToDeviceReceiver receiver, LockToken lock) {
        return onThread(() -> settle(receiver, lock.sequenceNumber(), lock.deliveryCount(), FeedbackStatus.SUCCESS));
    }

    /** Rejects (dead-letters) the delivery {@code lock}; false when its lock was lost, as {@link #complete}. */
    public CompletableFuture<Boolean> reject(CloudToDeviceReceiver receiver, LockToken lock) {
        return onThread(() -> settle(receiver, lock.sequenceNumber(), lock.deliveryCount(), FeedbackStatus.REJECTED));
    }

    /** Abandons (queues again) the delivery {@code lock}; false when its lock was lost, as {@link #complete}. */
    public CompletableFuture<Boolean> abandon(CloudToDeviceReceiver receiver, LockToken lock) {
        return onThread(() -> settle(receiver, lock.sequenceNumber(), lock.deliveryCount(), null));
    }

    /** For the settling calls that name no delivery: whichever delivery of the message the receiver holds. */
    private static final int ANY_DELIVERY = -1;

    /** Ends the receiver's delivery with {@code outcome}, or abandons it when null; false if it holds no such lock. */
    private boolean settle(CloudToDeviceReceiver receiver, long sequenceNumber, int deliveryCount,
                           FeedbackStatus outcome) {
        if (releaseIfLapsed(receiver.identity(), clock.millis())) {
            // Lapsed, though the sweep has not come by yet: lost all the same.
            LOG.debug("Device {} settled message {} after its lock lapsed", receiver.identity(), sequenceNumber);
            return false;
        }
        Delivery delivery = deliveries.get(receiver.identity());
        if (delivery == null || delivery.inFlightTo != receiver || delivery.inFlight == null
                || delivery.inFlight.sequenceNumber() != sequenceNumber
                || (deliveryCount != ANY_DELIVERY && delivery.inFlight.deliveryCount() != deliveryCount)) {
            LOG.debug("Device {} settled delivery {} of message {} that it does not hold (lock lapsed, purged,"
                    + " or taken back)", receiver.identity(), deliveryCount, sequenceNumber);
            return false;
        }
        QueuedMessage message = delivery.inFlight;
        delivery.inFlight = null;
        delivery.inFlightTo = null;
        if (outcome != null) {
            finish(message, outcome);
        }
        if (delivery.receiver == null) {
            deliveries.remove(receiver.identity());
        } else {
            pump(receiver.identity());
        }
        return true;
    }

    /** The device held its message past the lock timeout: it goes back to the queue, this delivery counted. */
    private void lapse(Delivery delivery) {
        QueuedMessage message = delivery.inFlight;
        LOG.info("{} held cloud-to-device message {} for {} without settling it: the lock lapsed, it is"
                + " queued again (delivery {} of {})", message.identity(), printable(message.messageId()), lockTimeout,
                message.deliveryCount(), MAX_DELIVERY_COUNT);
        delivery.inFlight = null;
        delivery.inFlightTo = null;
    }

    /** Sends the device its oldest deliverable message, if it has a receiver and holds none. On the thread. */
    private void pump(IdentityId identity) {
        Delivery delivery = deliveries.get(identity);
        if (delivery == null || delivery.receiver == null || delivery.inFlight != null) {
            return;
        }
        while (true) {
            Optional<QueuedMessage> oldest = store.oldest(identity);
            if (oldest.isEmpty()) {
                return;
            }
            QueuedMessage message = oldest.get();
            if (message.expiredAt(clock.millis())) {
                finish(message, FeedbackStatus.EXPIRED);
            } else if (!isForCurrentDevice(message)) {
                // Queued for a device deleted since; a new device of that id does not get it.
                if (store.remove(message.sequenceNumber(), null)) {
                    counted(message, -1);
                }
            } else if (message.deliveryCount() >= MAX_DELIVERY_COUNT) {
                finish(message, FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
            } else {
                store.delivered(message.sequenceNumber());
                delivery.inFlight = message.deliveredOnceMore();
                delivery.inFlightTo = delivery.receiver;
                delivery.lockedUntilMillis = clock.millis() + lockTimeout.toMillis();
                LOG.debug("Delivering cloud-to-device message {} to {} (delivery {})",
                        message.sequenceNumber(), identity, delivery.inFlight.deliveryCount());
                delivery.receiver.deliver(delivery.inFlight);
                return;
            }
        }
    }

    private boolean isForCurrentDevice(QueuedMessage message) {
        return generationOf(message.identity())
                .map(generationId -> generationId.equals(message.deviceGenerationId()))
                .orElse(false);
    }

    private void sweep() {
        releaseLapsedLocks();
        expire();
        feedback.expire();
    }

    private void releaseLapsedLocks() {
        long now = clock.millis();
        List<IdentityId> holding = new ArrayList<>();
        deliveries.forEach((identity, delivery) -> {
            if (delivery.inFlight != null) {
                holding.add(identity);
            }
        });
        for (IdentityId identity : holding) {
            releaseIfLapsed(identity, now);
        }
    }

    /** Takes back the message the device holds past its lock, and sends it its next one; true if it did. */
    private boolean releaseIfLapsed(IdentityId identity, long nowMillis) {
        Delivery delivery = deliveries.get(identity);
        if (delivery == null || delivery.inFlight == null || nowMillis < delivery.lockedUntilMillis) {
            return false;
        }
        lapse(delivery);
        if (delivery.receiver == null) {
            deliveries.remove(identity);
        } else {
            pump(identity);
        }
        return true;
    }

    private void expire() {
        long now = clock.millis();
        for (QueuedMessage message : store.expired(now, EXPIRED_PER_SWEEP)) {
            Delivery delivery = deliveries.get(message.identity());
            boolean heldByDevice = delivery != null && delivery.inFlight != null
                    && delivery.inFlight.sequenceNumber() == message.sequenceNumber();
            if (!heldByDevice) {
                finish(message, FeedbackStatus.EXPIRED);
            }
        }
    }

    /** The message leaves its queue with {@code status}; feedback when its sender asked for it. */
    private void finish(QueuedMessage message, FeedbackStatus status) {
        boolean wanted = message.ack().wants(status);
        if (store.remove(message.sequenceNumber(), wanted ? FeedbackRecord.of(message, status, clock.instant()) : null)) {
            counted(message, -1);
        }
        if (status != FeedbackStatus.SUCCESS) {
            LOG.info("Cloud-to-device message {} to {} ended: {}", printable(message.messageId()),
                    message.identity(), status.description());
        }
        if (wanted) {
            feedback.added();
        }
    }

    /** The message's queue holds {@code change} more (or fewer) messages. On the thread. */
    private void counted(QueuedMessage message, int change) {
        depths.compute(new QueueKey(message.identity(), message.deviceGenerationId()), (key, count) -> {
            int now = (count == null ? 0 : count) + change;
            return now > 0 ? now : null;
        });
    }

    private static long expiryOf(OutgoingMessage message, long nowMillis) {
        long latest = nowMillis + MAX_TIME_TO_LIVE.toMillis();
        if (message.expiry() == null) {
            return nowMillis + DEFAULT_TIME_TO_LIVE.toMillis();
        }
        return Math.min(message.expiry().toEpochMilli(), latest);
    }

    private static int sizeOf(OutgoingMessage message) {
        int size = message.body().length;
        for (Map.Entry<String, String> property : message.properties().entrySet()) {
            size += property.getKey().getBytes(StandardCharsets.UTF_8).length
                    + property.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private <T> CompletableFuture<T> onThread(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    result.complete(work.get());
                } catch (CloudToDeviceException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.warn("Cloud-to-device queue failed: {}", e.getMessage(), e);
                    result.completeExceptionally(new CloudToDeviceException(CloudToDeviceException.Reason.NOT_STORED,
                            "The hub could not store the message; send it again."));
                }
            });
        } catch (RejectedExecutionException stopping) {
            result.completeExceptionally(new CloudToDeviceException(CloudToDeviceException.Reason.NOT_STORED,
                    "The hub is stopping."));
        }
        return result;
    }

    /** Runs {@code work} on the thread; after {@link #close} (the hub stopping) it is dropped. */
    private void run(String what, Runnable work) {
        try {
            thread.execute(() -> guarded(what, work));
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Not done, the hub is stopping: {}", what);
        }
    }

    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not {}: {}", what, e.getMessage(), e);
        }
    }

    static String printable(String text) {
        if (text == null) {
            return "(no message id)";
        }
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Stops expiring; queued messages stay stored for the next start (their locks are gone with the hub). */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
    }
}
