package io.github.iothubquickstart.localhub.amqp;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotification;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * A file upload notification as IoT Hub sends it on {@code /messages/serviceBound/filenotifications}: one JSON object
 * per message, with the content type of the C# SDK's {@code CommonConstants}. {@code lastUpdatedTime} carries an offset and whole seconds (the service SDK parses it with
 * {@code yyyy-MM-dd'T'HH:mm:ssXXX}), {@code enqueuedTimeUtc} is UTC with fractions, as IoT Hub writes them.
 */
final class AmqpFileUploadNotifications {
    static final String CONTENT_TYPE = "application/vnd.microsoft.iothub.filenotification.json";
    private static final DateTimeFormatter WITH_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);

    private AmqpFileUploadNotifications() {
    }

    /** The message for a batch of one (the file notification queue delivers notifications one by one). */
    static Message message(List<FileUploadNotification> batch) {
        if (batch.size() != 1) {
            throw new IllegalArgumentException("File upload notifications go one per message, not " + batch.size());
        }
        FileUploadNotification notification = batch.get(0);
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", notification.deviceId());
        json.addProperty("blobUri", notification.blobUri());
        json.addProperty("blobName", notification.blobName());
        json.addProperty("lastUpdatedTime",
                WITH_OFFSET.format(notification.lastUpdatedTime().truncatedTo(ChronoUnit.SECONDS)));
        json.addProperty("blobSizeInBytes", notification.blobSizeInBytes());
        json.addProperty("enqueuedTimeUtc", notification.enqueuedTime().toString());
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(UUID.randomUUID().toString());
        properties.setContentType(Symbol.valueOf(CONTENT_TYPE));
        properties.setUserId(new Binary("iothub".getBytes(StandardCharsets.US_ASCII)));
        message.setProperties(properties);
        message.setBody(new Data(new Binary(json.toString().getBytes(StandardCharsets.UTF_8))));
        return message;
    }
}
