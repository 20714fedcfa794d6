package io.github.iothubquickstart.localhub.amqp;

import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * The $cbs node's answer to a put-token, as IoT Hub sends it: application properties {@code status-code} (an int:
 * 200, 400, 401, ...) and {@code status-description}, correlated to the request by its message id.
 */
record CbsAnswer(int status, String description) {
    static final CbsAnswer OK = new CbsAnswer(200, "OK");

    static CbsAnswer unauthorized(String description) {
        return new CbsAnswer(401, description);
    }

    Message toMessage(Object requestMessageId, String to) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(requestMessageId);
        properties.setTo(to);
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(Map.of(
                "status-code", status,
                "status-description", description)));
        return message;
    }
}
