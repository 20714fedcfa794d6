package io.github.iothubquickstart.localhub.amqp;

import java.util.UUID;

/**
 * Direct method request ids on AMQP. The hub numbers calls in hex; over AMQP a request's correlation id must be a
 * UUID, since the Java device SDK answers with {@code UUID.fromString(requestId)}. So the number rides in the low
 * bits of a UUID whose high bits are zero, and comes back the same way.
 */
final class MethodRequestIds {
    private static final int UUID_TEXT_LENGTH = 36;
    private MethodRequestIds() {
    }

    static Object toCorrelationId(String requestId) {
        try {
            return new UUID(0, Long.parseUnsignedLong(requestId, 16));
        } catch (NumberFormatException notHex) {
            return requestId;
        }
    }

    /**
     * The request id an answer's correlation id stands for; null when it is none the hub could have sent. The Node
     * device SDK answers with the request's UUID as a string ({@code rhea.uuid_to_string}), which IoT Hub takes as
     * that UUID.
     */
    static String fromCorrelationId(Object correlationId) {
        if (correlationId instanceof UUID uuid) {
            return uuid.getMostSignificantBits() == 0 ? Long.toHexString(uuid.getLeastSignificantBits()) : null;
        }
        if (correlationId instanceof String text) {
            return text.length() == UUID_TEXT_LENGTH ? fromUuidText(text) : text;
        }
        return null;
    }

    private static String fromUuidText(String text) {
        try {
            return fromCorrelationId(UUID.fromString(text));
        } catch (IllegalArgumentException notAUuid) {
            return text;
        }
    }
}
