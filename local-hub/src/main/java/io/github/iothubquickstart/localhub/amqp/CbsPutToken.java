package io.github.iothubquickstart.localhub.amqp;

import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

/**
 * A claims-based security request as devices send it to the {@code $cbs} node: application properties
 * {@code operation=put-token}, {@code type=servicebus.windows.net:sastoken}, {@code name=<audience>}, the SAS token as
 * an AMQP string body, and a message id the answer carries back as its correlation id.
 *
 * @param messageId the request's message id (the SDK's UUID), to correlate the answer
 * @param audience  what the token is for, e.g. {@code myhub/devices/dev1}
 * @param token     the SAS token as sent
 */
record CbsPutToken(Object messageId, String audience, String token) {
    static final String OPERATION = "put-token";
    static final String SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";
    static final int MAX_FIELD_LENGTH = 4096;

    /** A request the $cbs node cannot take, with the status to answer it with. */
    static final class InvalidRequestException extends Exception {
        private final int status;

        InvalidRequestException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static CbsPutToken parse(Message request) throws InvalidRequestException {
        ApplicationProperties properties = request.getApplicationProperties();
        Map<String, Object> values = properties == null ? null : properties.getValue();
        if (values == null) {
            throw new InvalidRequestException(400, "A $cbs request needs application properties operation, type and name.");
        }
        String operation = text(values, "operation");
        if (!OPERATION.equals(operation)) {
            throw new InvalidRequestException(400, "The $cbs node takes operation " + OPERATION + " only, not "
                    + DeviceAddresses.printable(operation) + ".");
        }
        String type = text(values, "type");
        if (!SAS_TOKEN_TYPE.equals(type)) {
            throw new InvalidRequestException(400, "The $cbs node takes token type " + SAS_TOKEN_TYPE + " only, not "
                    + DeviceAddresses.printable(type) + ".");
        }
        String audience = text(values, "name");
        if (audience == null || audience.isEmpty()) {
            throw new InvalidRequestException(400, "A put-token request needs a name: the audience of its token.");
        }
        if (!(request.getBody() instanceof AmqpValue value) || !(value.getValue() instanceof String token)) {
            throw new InvalidRequestException(400, "A put-token request carries its SAS token as an AMQP string body.");
        }
        if (token.length() > MAX_FIELD_LENGTH) {
            throw new InvalidRequestException(400, "The SAS token is longer than " + MAX_FIELD_LENGTH + " characters.");
        }
        return new CbsPutToken(request.getMessageId(), audience, token);
    }

    /** A string property, or null when it is absent, not a string, or too long to be genuine. */
    private static String text(Map<String, Object> values, String key) throws InvalidRequestException {
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidRequestException(400, "The $cbs property " + key + " must be a string.");
        }
        if (text.length() > MAX_FIELD_LENGTH) {
            throw new InvalidRequestException(400, "The $cbs property " + key + " is longer than "
                    + MAX_FIELD_LENGTH + " characters.");
        }
        return text;
    }
}
