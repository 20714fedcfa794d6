package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cloud-to-device message in a device's or module's queue ({@code moduleId} null for the device's own): what the
 * back-end sent, the hub's sequence number (its lock token while the receiver holds it), when it was queued and
 * expires, the generation of the device or module it is for, and how many times it was delivered so far.
 */
public record QueuedMessage(long sequenceNumber, String deviceId, String moduleId, String deviceGenerationId,
                            String messageId, String correlationId, String userId, String contentType, String contentEncoding,
                            Acknowledgement ack, long enqueuedMillis, long expiryMillis, int deliveryCount,
                            Map<String, String> properties, byte[] body) {

    public QueuedMessage {
        Map.copyOf(properties); // refuses null names and values
        // In the order the back-end sent them, as they go on to the device.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A message for the device itself. */
    public QueuedMessage(long sequenceNumber, String deviceId, String deviceGenerationId, String messageId,
                         String correlationId, String userId, String contentType, String contentEncoding,
                         Acknowledgement ack, long enqueuedMillis, long expiryMillis, int deliveryCount,
                         Map<String, String> properties, byte[] body) {
        this(sequenceNumber, deviceId, null, deviceGenerationId, messageId, correlationId, userId, contentType,
                contentEncoding, ack, enqueuedMillis, expiryMillis, deliveryCount, properties, body);
    }

    /** The device or module whose queue holds it. */
    public IdentityId identity() {
        return new IdentityId(deviceId, moduleId);
    }

    /** This delivery of the message, which its receiver settles. */
    public LockToken lockToken() {
        return new LockToken(sequenceNumber, deliveryCount);
    }

    boolean expiredAt(long epochMillis) {
        return epochMillis >= expiryMillis;
    }

    QueuedMessage deliveredOnceMore() {
        return new QueuedMessage(sequenceNumber, deviceId, moduleId, deviceGenerationId, messageId, correlationId, userId,
                contentType, contentEncoding, ack, enqueuedMillis, expiryMillis, deliveryCount + 1, properties, body);
    }
}
