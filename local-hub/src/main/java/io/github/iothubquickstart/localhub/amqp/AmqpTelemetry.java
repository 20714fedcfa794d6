package io.github.iothubquickstart.localhub.amqp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;

/**
 * A device's AMQP telemetry message in the shape the hub stores for every transport: IoT Hub's system properties
 * under the keys the MQTT property bag uses ({@code $.mid}, {@code $.cid}, {@code $.ct}, {@code $.ce}, ...), so that
 * {@code monitor} shows a message alike whichever way it came, and the application's own properties.
 */
record AmqpTelemetry(Map<String, String> systemProperties, Map<String, String> applicationProperties, byte[] body) {
    /** IoT Hub's limit on a device-to-cloud message. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_PROPERTIES = 128;
    /** Application properties the device SDKs send over AMQP for what MQTT carries as system properties. */
    private static final Map<String, String> SYSTEM_APPLICATION_PROPERTIES = Map.of(
            "iothub-connection-device-id", "$.cdid",
            "iothub-connection-module-id", "$.cmid",
            "iothub-creation-time-utc", "$.ctime",
            "iothub-outputname", "$.on");
    /** Message annotations the SDKs send for what MQTT carries as system properties. */
    private static final Map<String, String> SYSTEM_ANNOTATIONS = Map.of(
            "iothub-interface-id", "$.ifid",
            "dt-subject", "$.sub");

    /** Why a message cannot be taken; the delivery is rejected with this description. */
    static final class InvalidTelemetryException extends Exception {
        private final Symbol condition;

        InvalidTelemetryException(Symbol condition, String message) {
            super(message);
            this.condition = condition;
        }

        /** IoT Hub's AMQP error condition for it. */
        Symbol condition() {
            return condition;
        }
    }

    static AmqpTelemetry from(Message message) throws InvalidTelemetryException {
        byte[] body = bodyOf(message.getBody());
        if (body.length > MAX_BODY_BYTES) {
            throw new InvalidTelemetryException(LinkError.MESSAGE_SIZE_EXCEEDED,
                    "The message body is " + body.length + " bytes, more than IoT Hub's " + MAX_BODY_BYTES + ".");
        }
        Map<String, String> system = new LinkedHashMap<>();
        put(system, "$.mid", idText(message.getMessageId()));
        put(system, "$.cid", idText(message.getCorrelationId()));
        put(system, "$.ct", message.getContentType());
        put(system, "$.ce", message.getContentEncoding());
        put(system, "$.uid", message.getUserId() == null ? null : new String(message.getUserId(), StandardCharsets.UTF_8));
        put(system, "$.to", message.getAddress());
        if (message.getExpiryTime() > 0) {
            put(system, "$.exp", Instant.ofEpochMilli(message.getExpiryTime()).toString());
        }
        if (message.getMessageAnnotations() != null && message.getMessageAnnotations().getValue() != null) {
            for (Map.Entry<Symbol, Object> annotation : message.getMessageAnnotations().getValue().entrySet()) {
                String key = SYSTEM_ANNOTATIONS.get(String.valueOf(annotation.getKey()));
                if (key != null) {
                    put(system, key, text(annotation.getValue()));
                }
            }
        }
        Map<String, String> application = new LinkedHashMap<>();
        if (message.getApplicationProperties() != null && message.getApplicationProperties().getValue() != null) {
            Map<String, Object> values = message.getApplicationProperties().getValue();
            if (values.size() > MAX_PROPERTIES) {
                throw new InvalidTelemetryException(AmqpError.INVALID_FIELD, "The message has " + values.size()
                        + " application properties, more than " + MAX_PROPERTIES + ".");
            }
            for (Map.Entry<String, Object> property : values.entrySet()) {
                if (property.getKey() == null || property.getKey().isEmpty()) {
                    throw new InvalidTelemetryException(AmqpError.INVALID_FIELD,
                            "An application property has an empty name.");
                }
                String systemKey = SYSTEM_APPLICATION_PROPERTIES.get(property.getKey());
                if (systemKey != null) {
                    put(system, systemKey, text(property.getValue()));
                } else {
                    application.put(property.getKey(), text(property.getValue()));
                }
            }
        }
        return new AmqpTelemetry(system, application, body);
    }

    private static byte[] bodyOf(Section body) throws InvalidTelemetryException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof Data data) {
            Binary binary = data.getValue();
            return binary == null ? new byte[0] : bytesOf(binary);
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof Binary binary) {
            return bytesOf(binary);
        }
        throw new InvalidTelemetryException(AmqpError.INVALID_FIELD, "The message body must be data or a string, not "
                + body.getClass().getSimpleName() + ".");
    }

    /** Message and correlation ids are strings, UUIDs, numbers or binary in AMQP; IoT Hub shows them as text. */
    private static String idText(Object id) {
        if (id instanceof Binary binary) {
            return Base64.getEncoder().encodeToString(bytesOf(binary));
        }
        return id == null ? null : id.toString();
    }

    private static byte[] bytesOf(Binary binary) {
        return Arrays.copyOfRange(binary.getArray(), binary.getArrayOffset(),
                binary.getArrayOffset() + binary.getLength());
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof Binary binary) {
            return Base64.getEncoder().encodeToString(bytesOf(binary));
        }
        return value.toString();
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
