package io.github.iothubquickstart.localhub.amqp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * A request a Device Provisioning Service client sends on its registration link, as the provisioning SDKs send it:
 * application property {@code iotdps-operation-type} {@code iotdps-register} with the registration JSON as the body
 * (a data section; none from the C# SDK when it has nothing to say), or {@code iotdps-get-operationstatus} with
 * {@code iotdps-operation-id} (the body, if any, says nothing). The C# and Node SDKs match the answer by the request's
 * correlation id, the Java SDK takes the next message.
 */
record RegistrationRequest(Operation operation, String operationId, byte[] body, Object correlationId) {
    static final String OPERATION_TYPE = "iotdps-operation-type";
    static final String OPERATION_ID = "iotdps-operation-id";
    static final String REGISTER = "iotdps-register";
    static final String GET_OPERATION_STATUS = "iotdps-get-operationstatus";
    /** Operation ids are GUID-like; anything longer is not one the hub handed out. */
    static final int MAX_OPERATION_ID_LENGTH = 256;

    enum Operation { REGISTER, GET_OPERATION_STATUS }

    /** Not a request DPS understands: answered as a bad request, the link and connection go on. */
    static final class InvalidRequestException extends Exception {
        InvalidRequestException(String message) {
            super(message);
        }
    }

    static RegistrationRequest parse(Message message) throws InvalidRequestException {
        Map<?, ?> properties = message.getApplicationProperties() == null ? Map.of()
                : message.getApplicationProperties().getValue();
        if (properties == null) {
            properties = Map.of();
        }
        Object type = properties.get(OPERATION_TYPE);
        Object correlationId = correlationId(message);
        if (REGISTER.equals(type)) {
            return new RegistrationRequest(Operation.REGISTER, null, bodyOf(message.getBody()), correlationId);
        }
        if (GET_OPERATION_STATUS.equals(type)) {
            Object operationId = properties.get(OPERATION_ID);
            if (!(operationId instanceof String id) || id.isEmpty() || id.length() > MAX_OPERATION_ID_LENGTH) {
                throw new InvalidRequestException("A " + GET_OPERATION_STATUS + " request needs the application"
                        + " property " + OPERATION_ID + " (a string of 1 to " + MAX_OPERATION_ID_LENGTH
                        + " characters).");
            }
            return new RegistrationRequest(Operation.GET_OPERATION_STATUS, id, new byte[0], correlationId);
        }
        throw new InvalidRequestException("The application property " + OPERATION_TYPE + " must be " + REGISTER
                + " or " + GET_OPERATION_STATUS + ", not " + DeviceAddresses.printable(String.valueOf(type)) + ".");
    }

    /** The correlation id to answer with: the request's own, or its message id where it has none. */
    private static Object correlationId(Message message) {
        if (message.getProperties() == null) {
            return null;
        }
        Object correlation = message.getCorrelationId();
        return correlation != null ? correlation : message.getMessageId();
    }

    private static byte[] bodyOf(Section body) throws InvalidRequestException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof Data data) {
            return bytesOf(data.getValue());
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof Binary binary) {
            return bytesOf(binary);
        }
        throw new InvalidRequestException("The body of a " + REGISTER + " request must be the registration JSON"
                + " in a data section.");
    }

    private static byte[] bytesOf(Binary binary) {
        if (binary == null) {
            return new byte[0];
        }
        ByteBuffer buffer = binary.asByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
