package io.github.iothubquickstart.localhub.amqp;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.cloudtodevice.Acknowledgement;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackRecord;
import io.github.iothubquickstart.localhub.cloudtodevice.OutgoingMessage;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * Cloud-to-device messages over AMQP: what a back-end sends to {@code /messages/devicebound} (the device in
 * {@code to}, IoT Hub's system properties, {@code iothub-ack} among the application properties), what the hub sends
 * a device on its devicebound link, and the feedback batches back-ends read.
 */
final class AmqpCloudToDeviceMessages {
    /** IoT Hub's error condition for an argument it does not take. */
    static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");
    static final String FEEDBACK_CONTENT_TYPE = "application/vnd.microsoft.iothub.feedback.json";
    private static final String DEVICES = "/devices/";
    private static final String DEVICEBOUND = "/messages/devicebound";
    private static final String MODULES = "/modules/";

    /** A back-end's message and the device it is for. */
    record Addressed(IdentityId to, OutgoingMessage message) {
    }

    private AmqpCloudToDeviceMessages() {
    }

    /** The message a back-end sent, or why it cannot be queued (a rejection's condition and description). */
    static Addressed fromService(Message message) throws AmqpTelemetry.InvalidTelemetryException {
        AmqpTelemetry parsed = AmqpTelemetry.from(message);
        IdentityId to = recipientOf(parsed.systemProperties().get("$.to"));
        Map<String, String> properties = new LinkedHashMap<>(parsed.applicationProperties());
        String ackText = properties.remove(Acknowledgement.PROPERTY);
        Acknowledgement ack = Acknowledgement.parse(ackText).orElseThrow(() -> new AmqpTelemetry.InvalidTelemetryException(
                ARGUMENT_ERROR, "iothub-ack " + DeviceAddresses.printable(ackText)
                + " is none of none, positive, negative, full."));
        Instant expiry = message.getExpiryTime() > 0 ? Instant.ofEpochMilli(message.getExpiryTime()) : null;
        Map<String, String> system = parsed.systemProperties();
        return new Addressed(to, new OutgoingMessage(system.get("$.mid"), system.get("$.cid"), system.get("$.uid"),
                system.get("$.ct"), system.get("$.ce"), expiry, ack, properties, parsed.body()));
    }

    /**
     * {@code /devices/{id}/messages/devicebound} to the device, {@code /devices/{id}/modules/{mid}/messages/devicebound}
     * (the service SDK's {@code MessagingClient.send(deviceId, moduleId, message)}) to the module.
     */
    private static IdentityId recipientOf(String to) throws AmqpTelemetry.InvalidTelemetryException {
        if (to == null || to.isEmpty()) {
            throw new AmqpTelemetry.InvalidTelemetryException(ARGUMENT_ERROR,
                    "The message has no 'to': it must be /devices/{deviceId}/messages/devicebound.");
        }
        Optional<DeviceAddresses.DeviceAddress> address = DeviceAddresses.parse(to);
        if (address.isPresent() && address.get().node() == DeviceAddresses.Node.CLOUD_TO_DEVICE) {
            return address.get().identity();
        }
        throw new AmqpTelemetry.InvalidTelemetryException(ARGUMENT_ERROR, "'to' " + DeviceAddresses.printable(to)
                + " is not /devices/{deviceId}/messages/devicebound nor"
                + " /devices/{deviceId}/modules/{moduleId}/messages/devicebound.");
    }

    /** As IoT Hub sends it on the device's devicebound link. */
    static Message toDevice(QueuedMessage queued) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(queued.messageId());
        properties.setCorrelationId(queued.correlationId());
        properties.setTo(DEVICES + queued.deviceId()
                + (queued.moduleId() == null ? "" : MODULES + queued.moduleId()) + DEVICEBOUND);
        if (queued.userId() != null) {
            properties.setUserId(new Binary(queued.userId().getBytes(StandardCharsets.UTF_8)));
        }
        if (queued.contentType() != null) {
            properties.setContentType(Symbol.valueOf(queued.contentType()));
        }
        if (queued.contentEncoding() != null) {
            properties.setContentEncoding(Symbol.valueOf(queued.contentEncoding()));
        }
        properties.setAbsoluteExpiryTime(new Date(queued.expiryMillis()));
        properties.setCreationTime(new Date(queued.enqueuedMillis()));
        message.setProperties(properties);
        Map<String, Object> application = new LinkedHashMap<>(queued.properties());
        application.put(Acknowledgement.PROPERTY, queued.ack().wireName());
        message.setApplicationProperties(new ApplicationProperties(application));
        message.setBody(new Data(new Binary(queued.body())));
        return message;
    }

    /** One feedback batch: a JSON array of IoT Hub's records, as the service SDKs parse it. */
    static Message feedbackBatch(List<FeedbackRecord> records) {
        JsonArray batch = new JsonArray();
        for (FeedbackRecord record : records) {
            JsonObject json = new JsonObject();
            json.addProperty("originalMessageId", record.originalMessageId());
            json.addProperty("description", record.status().description());
            json.addProperty("deviceGenerationId", record.deviceGenerationId());
            json.addProperty("deviceId", record.deviceId());
            json.addProperty("enqueuedTimeUtc", record.enqueuedTime().toString());
            json.addProperty("statusCode", record.status().wireName());
            batch.add(json);
        }
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(UUID.randomUUID().toString());
        properties.setContentType(Symbol.valueOf(FEEDBACK_CONTENT_TYPE));
        properties.setUserId(new Binary("iothub".getBytes(StandardCharsets.US_ASCII)));
        message.setProperties(properties);
        message.setBody(new Data(new Binary(batch.toString().getBytes(StandardCharsets.UTF_8))));
        return message;
    }
}
