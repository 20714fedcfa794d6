package io.github.iothubquickstart.localhub.cloudtodevice;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cloud-to-device message in a device's queue: what the back-end sent, the hub's sequence number (its lock token
 * while the device holds it), when it was queued and expires, the generation of the device it is for, and how many
 * times it was delivered so far.
 */
public record QueuedMessage(long sequenceNumber, String deviceId, String deviceGenerationId, String messageId,
                            String correlationId, String userId, String contentType, String contentEncoding,
                            Acknowledgement ack, long enqueuedMillis, long expiryMillis, int deliveryCount,
                            Map<String, String> properties, byte[] body) {

    public QueuedMessage {
        Map.copyOf(properties); // refuses null names and values
        // In the order the back-end sent them, as they go on to the device.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** This delivery of the message, which its receiver settles. */
    public LockToken lockToken() {
        return new LockToken(sequenceNumber, deliveryCount);
    }

    boolean expiredAt(long epochMillis) {
        return epochMillis >= expiryMillis;
    }

    QueuedMessage deliveredOnceMore() {
        return new QueuedMessage(sequenceNumber, deviceId, deviceGenerationId, messageId, correlationId, userId,
                contentType, contentEncoding, ack, enqueuedMillis, expiryMillis, deliveryCount + 1, properties, body);
    }
}
