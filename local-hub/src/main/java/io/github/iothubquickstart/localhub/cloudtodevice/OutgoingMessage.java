package io.github.iothubquickstart.localhub.cloudtodevice;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cloud-to-device message as a back-end sent it, before the hub queued it: IoT Hub's system properties (each may
 * be null; {@code expiry} null means the hub's default time to live), the application properties (without
 * {@code iothub-ack}, which is {@code ack}) and the body.
 */
public record OutgoingMessage(String messageId, String correlationId, String userId, String contentType,
                              String contentEncoding, Instant expiry, Acknowledgement ack,
                              Map<String, String> properties, byte[] body) {

    public OutgoingMessage {
        Map.copyOf(properties); // refuses null names and values
        // In the order the back-end sent them, as they go on to the device.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
