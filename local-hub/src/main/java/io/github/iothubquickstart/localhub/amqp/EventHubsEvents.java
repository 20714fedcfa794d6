package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * A stored device-to-cloud message as IoT Hub's built-in endpoint hands it to an Event Hubs reader: the body bytes as
 * the device sent them; Event Hubs' annotations ({@code x-opt-sequence-number}, {@code x-opt-offset},
 * {@code x-opt-enqueued-time}); IoT Hub's ({@code iothub-connection-device-id}, {@code iothub-connection-module-id}
 * for a module, {@code iothub-enqueuedtime}, {@code iothub-message-source} = {@code Telemetry}); the device's
 * message id, correlation id, user id, content type and encoding as AMQP properties; its application properties.
 */
final class EventHubsEvents {
    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
    static final Symbol DEVICE_ID = Symbol.valueOf("iothub-connection-device-id");
    static final Symbol MODULE_ID = Symbol.valueOf(TelemetryMessage.MODULE_ID_PROPERTY);
    static final Symbol IOTHUB_ENQUEUED_TIME = Symbol.valueOf("iothub-enqueuedtime");
    static final Symbol MESSAGE_SOURCE = Symbol.valueOf("iothub-message-source");
    static final String TELEMETRY_SOURCE = "Telemetry";
    /** What devices send as system properties that IoT Hub passes on as message annotations. */
    private static final Map<String, Symbol> ANNOTATED_SYSTEM_PROPERTIES = Map.of(
            "$.ifid", Symbol.valueOf("iothub-interface-id"),
            "$.sub", Symbol.valueOf("dt-subject"),
            "$.dataschema", Symbol.valueOf("dt-dataschema"));
    /** What devices send as system properties that IoT Hub passes on as application properties. */
    private static final Map<String, String> APPLICATION_SYSTEM_PROPERTIES = Map.of(
            "$.ctime", "iothub-creation-time-utc");

    private EventHubsEvents() {
    }

    /** The event's offset: the hub numbers messages once, so the offset is the sequence number, as text. */
    static String offsetOf(TelemetryMessage message) {
        return Long.toString(message.sequenceNumber());
    }

    static Message toMessage(TelemetryMessage telemetry) {
        Message message = Message.Factory.create();
        Map<String, String> system = telemetry.systemProperties();
        Properties properties = new Properties();
        properties.setMessageId(system.get("$.mid"));
        properties.setCorrelationId(system.get("$.cid"));
        if (system.get("$.uid") != null) {
            properties.setUserId(new Binary(system.get("$.uid").getBytes(StandardCharsets.UTF_8)));
        }
        if (system.get("$.ct") != null) {
            properties.setContentType(Symbol.valueOf(system.get("$.ct")));
        }
        if (system.get("$.ce") != null) {
            properties.setContentEncoding(Symbol.valueOf(system.get("$.ce")));
        }
        properties.setTo(system.get("$.to"));
        Date expiry = date(system.get("$.exp"));
        if (expiry != null) {
            properties.setAbsoluteExpiryTime(expiry);
        }
        message.setProperties(properties);

        Date enqueued = Date.from(telemetry.enqueuedTime());
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(SEQUENCE_NUMBER, telemetry.sequenceNumber());
        annotations.put(OFFSET, offsetOf(telemetry));
        annotations.put(ENQUEUED_TIME, enqueued);
        annotations.put(DEVICE_ID, telemetry.deviceId());
        if (telemetry.moduleId() != null) {
            annotations.put(MODULE_ID, telemetry.moduleId());
        }
        annotations.put(IOTHUB_ENQUEUED_TIME, enqueued);
        annotations.put(MESSAGE_SOURCE, TELEMETRY_SOURCE);
        ANNOTATED_SYSTEM_PROPERTIES.forEach((key, annotation) -> {
            if (system.get(key) != null) {
                annotations.put(annotation, system.get(key));
            }
        });
        message.setMessageAnnotations(new MessageAnnotations(annotations));

        Map<String, Object> application = new LinkedHashMap<>(telemetry.applicationProperties());
        APPLICATION_SYSTEM_PROPERTIES.forEach((key, name) -> {
            if (system.get(key) != null) {
                application.put(name, system.get(key));
            }
        });
        message.setApplicationProperties(new ApplicationProperties(application));
        message.setBody(new Data(new Binary(telemetry.body())));
        return message;
    }

    private static Date date(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Date.from(Instant.parse(text));
        } catch (DateTimeParseException notAnInstant) {
            return null;
        }
    }
}
