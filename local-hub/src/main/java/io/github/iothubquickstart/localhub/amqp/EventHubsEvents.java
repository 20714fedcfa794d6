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
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * A stored device-to-cloud message as IoT Hub's built-in endpoint hands it to an Event Hubs reader: the body bytes as
 * the device sent them; Event Hubs' annotations ({@code x-opt-sequence-number}, {@code x-opt-offset},
 * {@code x-opt-enqueued-time}); IoT Hub's ({@code iothub-connection-device-id}, {@code iothub-connection-module-id}
 * for a module, {@code iothub-connection-auth-method}, {@code iothub-connection-auth-generation-id} when the
 * transport stamped it, {@code iothub-enqueuedtime}, {@code iothub-message-source} = {@code Telemetry}); the device's
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
    static final Symbol AUTH_METHOD = Symbol.valueOf("iothub-connection-auth-method");
    static final Symbol AUTH_GENERATION_ID = Symbol.valueOf(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY);
    /** How the hub's devices and modules authenticate: SAS tokens only, checked by the hub itself. */
    private static final String DEVICE_AUTH_METHOD =
            "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
    private static final String MODULE_AUTH_METHOD =
            "{\"scope\":\"module\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
    static final Symbol LAST_ENQUEUED_SEQUENCE_NUMBER = Symbol.valueOf("last_enqueued_sequence_number");
    static final Symbol LAST_ENQUEUED_OFFSET = Symbol.valueOf("last_enqueued_offset");
    static final Symbol LAST_ENQUEUED_TIME = Symbol.valueOf("last_enqueued_time_utc");
    static final Symbol RUNTIME_INFO_RETRIEVAL_TIME = Symbol.valueOf("runtime_info_retrieval_time_utc");
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
        return offsetOf(message.sequenceNumber());
    }

    static String offsetOf(long sequenceNumber) {
        return Long.toString(sequenceNumber);
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
        annotations.put(AUTH_METHOD, telemetry.moduleId() == null ? DEVICE_AUTH_METHOD : MODULE_AUTH_METHOD);
        if (telemetry.authGenerationId() != null) {
            annotations.put(AUTH_GENERATION_ID, telemetry.authGenerationId());
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

    /**
     * What a receiver that asked for runtime metrics gets with each event, as delivery annotations: the partition's
     * last enqueued event (sequence number, offset, time) and when that was looked up.
     */
    static DeliveryAnnotations runtimeInfo(long lastSequenceNumber, Instant lastEnqueuedTime, Instant retrievedAt) {
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(LAST_ENQUEUED_SEQUENCE_NUMBER, lastSequenceNumber);
        annotations.put(LAST_ENQUEUED_OFFSET, offsetOf(lastSequenceNumber));
        annotations.put(LAST_ENQUEUED_TIME, Date.from(lastEnqueuedTime));
        annotations.put(RUNTIME_INFO_RETRIEVAL_TIME, Date.from(retrievedAt));
        return new DeliveryAnnotations(annotations);
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
