package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Devices' cloud-to-device queues, as IoT Hub keeps them: at most {@value #MAX_QUEUED} messages per device, each
 * stored before the sender hears it was accepted, expiring after its time to live (default one hour, at most 48),
 * locked while a device holds it, then completed, rejected (dead-lettered) or abandoned (queued again; after
 * {@value #MAX_DELIVERY_COUNT} deliveries dead-lettered). One message per device is with the device at a time, so
 * a device sees its messages in order. Each end of a message adds feedback for the sender when its {@code ack}
 * asks for it. Everything runs on one thread, which alone uses the store.
 */
public final class CloudToDeviceQueues implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudToDeviceQueues.class);
    public static final int MAX_QUEUED = 50;
    public static final int MAX_DELIVERY_COUNT = 10;
    /** IoT Hub's limit on a cloud-to-device message: its body and application properties. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(1);
    public static final Duration MAX_TIME_TO_LIVE = Duration.ofHours(48);
    private static final Duration EXPIRY_SWEEP = Duration.ofSeconds(1);
    private static final int EXPIRED_PER_SWEEP = 200;

    private final CloudToDeviceStore store;
    private final DeviceRegistry registry;
    private final FeedbackQueue feedback;
    private final ScheduledExecutorService thread;
    private final Clock clock;
    /** By device id; confined to {@link #thread}. */
    private final Map<String, Delivery> deliveries = new HashMap<>();
    private ScheduledFuture<?> sweeper;

    /** What is with a device now, and where its next message goes. */
    private static final class Delivery {
        CloudToDeviceReceiver receiver;
        QueuedMessage inFlight;
        CloudToDeviceReceiver inFlightTo;
    }

    /** @param thread one thread, shared with {@code feedback}: it alone touches the store */
    public CloudToDeviceQueues(CloudToDeviceStore store, DeviceRegistry registry, FeedbackQueue feedback,
                               ScheduledExecutorService thread, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.feedback = feedback;
        this.thread = thread;
        this.clock = clock;
    }

    /** Starts expiring messages; those that expired while the hub was down go first. */
    public CloudToDeviceQueues start() {
        sweeper = thread.scheduleWithFixedDelay(() -> guarded("expire messages", this::expire), 0,
                EXPIRY_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Queues the message for the device; completes once it is stored, or fails with a
     * {@link CloudToDeviceException} saying why not (unknown device, queue full, too large, not stored).
     */
    public CompletableFuture<QueuedMessage> send(String deviceId, OutgoingMessage message) {
        int size = sizeOf(message);
        if (size > MAX_MESSAGE_BYTES) {
            return CompletableFuture.failedFuture(new CloudToDeviceException(CloudToDeviceException.Reason.MESSAGE_TOO_LARGE,
                    "The message is " + size + " bytes; IoT Hub takes cloud-to-device messages up to "
                            + MAX_MESSAGE_BYTES + " bytes."));
        }
        return onThread(() -> {
            DeviceIdentity device = registry.findDevice(deviceId).orElseThrow(() -> new CloudToDeviceException(
                    CloudToDeviceException.Reason.DEVICE_NOT_FOUND, "Device " + deviceId + " is not registered in this hub."));
            long now = clock.millis();
            QueuedMessage queued = store.enqueue(deviceId, device.generationId(), message, now, expiryOf(message, now),
                    MAX_QUEUED);
            if (queued == null) {
                throw new CloudToDeviceException(CloudToDeviceException.Reason.QUEUE_FULL, "Device " + deviceId
                        + " has " + MAX_QUEUED + " cloud-to-device messages queued, IoT Hub's most; it must complete"
                        + " some first, or purge its queue.");
            }
            LOG.debug("Queued cloud-to-device message {} for device {}", queued.sequenceNumber(), deviceId);
            pump(deviceId);
            return queued;
        });
    }

    /** Empties the device's queue; completes with how many messages were removed. */
    public CompletableFuture<Integer> purge(String deviceId) {
        return onThread(() -> {
            if (registry.findDevice(deviceId).isEmpty()) {
                throw new CloudToDeviceException(CloudToDeviceException.Reason.DEVICE_NOT_FOUND,
                        "Device " + deviceId + " is not registered in this hub.");
            }
            long now = clock.millis();
            List<QueuedMessage> purged = store.purge(deviceId, message -> message.ack().wants(FeedbackStatus.PURGED)
                    ? Optional.of(FeedbackRecord.of(message, FeedbackStatus.PURGED, clock.instant()))
                    : Optional.empty());
            Delivery delivery = deliveries.get(deviceId);
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
        run("deliver to device " + receiver.deviceId(), () -> {
            deliveries.computeIfAbsent(receiver.deviceId(), id -> new Delivery()).receiver = receiver;
            pump(receiver.deviceId());
        });
    }

    /** The receiver is gone (unsubscribed, link closed, disconnected): what it held goes back to the queue. */
    public void receiverGone(CloudToDeviceReceiver receiver) {
        run("take back from device " + receiver.deviceId(), () -> {
            Delivery delivery = deliveries.get(receiver.deviceId());
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
                deliveries.remove(receiver.deviceId());
            } else {
                pump(receiver.deviceId());
            }
        });
    }

    /**
     * The device took the message: it leaves the queue ({@code Success} feedback). Completes with false when the
     * receiver does not hold that message (purged, or taken back), and nothing changed.
     */
    public CompletableFuture<Boolean> complete(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return settle(receiver, sequenceNumber, FeedbackStatus.SUCCESS);
    }

    /** The device refused the message: it is dead-lettered ({@code Rejected} feedback). False as {@link #complete}. */
    public CompletableFuture<Boolean> reject(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return settle(receiver, sequenceNumber, FeedbackStatus.REJECTED);
    }

    /**
     * The device gave the message back: it is delivered again, unless it was delivered too often or expired. False
     * as {@link #complete}.
     */
    public CompletableFuture<Boolean> abandon(CloudToDeviceReceiver receiver, long sequenceNumber) {
        return settle(receiver, sequenceNumber, null);
    }

    /**
     * For a receiver that asks for one message at a time (an HTTPS device's GET): the device's next message, now
     * delivered to {@code receiver} and held by it until settled or taken back; empty when the device already holds
     * one (one message in flight per device, whichever transport holds it) or none is queued. The receiver does not
     * become the device's standing receiver: an MQTT or AMQP receiver of the device stays where it was.
     */
    public CompletableFuture<Optional<QueuedMessage>> takeOne(CloudToDeviceReceiver receiver) {
        return onThread(() -> {
            Delivery delivery = deliveries.computeIfAbsent(receiver.deviceId(), id -> new Delivery());
            if (delivery.inFlight == null) {
                CloudToDeviceReceiver standing = delivery.receiver;
                delivery.receiver = receiver;
                try {
                    pump(receiver.deviceId());
                } finally {
                    delivery.receiver = standing;
                }
            }
            if (delivery.inFlightTo == receiver) {
                return Optional.of(delivery.inFlight);
            }
            if (delivery.receiver == null && delivery.inFlight == null) {
                deliveries.remove(receiver.deviceId());
            }
            return Optional.empty();
        });
    }

    private CompletableFuture<Boolean> settle(CloudToDeviceReceiver receiver, long sequenceNumber,
                                              FeedbackStatus outcome) {
        return onThread(() -> {
            Delivery delivery = deliveries.get(receiver.deviceId());
            if (delivery == null || delivery.inFlightTo != receiver || delivery.inFlight == null
                    || delivery.inFlight.sequenceNumber() != sequenceNumber) {
                LOG.debug("Device {} settled message {} that it does not hold (purged, or taken back)",
                        receiver.deviceId(), sequenceNumber);
                return false;
            }
            QueuedMessage message = delivery.inFlight;
            delivery.inFlight = null;
            delivery.inFlightTo = null;
            if (outcome != null) {
                finish(message, outcome);
            }
            if (delivery.receiver == null) {
                deliveries.remove(receiver.deviceId());
            } else {
                pump(receiver.deviceId());
            }
            return true;
        });
    }

    /** Sends the device its oldest deliverable message, if it has a receiver and holds none. On the thread. */
    private void pump(String deviceId) {
        Delivery delivery = deliveries.get(deviceId);
        if (delivery == null || delivery.receiver == null || delivery.inFlight != null) {
            return;
        }
        while (true) {
            Optional<QueuedMessage> oldest = store.oldest(deviceId);
            if (oldest.isEmpty()) {
                return;
            }
            QueuedMessage message = oldest.get();
            if (message.expiredAt(clock.millis())) {
                finish(message, FeedbackStatus.EXPIRED);
            } else if (!isForCurrentDevice(message)) {
                // Queued for a device deleted since; a new device of that id does not get it.
                store.remove(message.sequenceNumber(), null);
            } else if (message.deliveryCount() >= MAX_DELIVERY_COUNT) {
                finish(message, FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
            } else {
                store.delivered(message.sequenceNumber());
                delivery.inFlight = message.deliveredOnceMore();
                delivery.inFlightTo = delivery.receiver;
                LOG.debug("Delivering cloud-to-device message {} to device {} (delivery {})",
                        message.sequenceNumber(), deviceId, delivery.inFlight.deliveryCount());
                delivery.receiver.deliver(delivery.inFlight);
                return;
            }
        }
    }

    private boolean isForCurrentDevice(QueuedMessage message) {
        return registry.findDevice(message.deviceId())
                .map(device -> device.generationId().equals(message.deviceGenerationId()))
                .orElse(false);
    }

    private void expire() {
        long now = clock.millis();
        for (QueuedMessage message : store.expired(now, EXPIRED_PER_SWEEP)) {
            Delivery delivery = deliveries.get(message.deviceId());
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
        store.remove(message.sequenceNumber(), wanted ? FeedbackRecord.of(message, status, clock.instant()) : null);
        if (status != FeedbackStatus.SUCCESS) {
            LOG.info("Cloud-to-device message {} to device {} ended: {}", printable(message.messageId()),
                    message.deviceId(), status.description());
        }
        if (wanted) {
            feedback.added();
        }
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

    /** Stops expiring; queued messages stay stored for the next start. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
    }
}
