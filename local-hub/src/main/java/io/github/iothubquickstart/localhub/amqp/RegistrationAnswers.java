package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.RegistrationOperation;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.message.Message;

/**
 * What the hub sends a Device Provisioning Service client over AMQP. An answer: a message on its receiving link, the
 * operation status JSON ({@code operationId}, {@code status}, {@code registrationState}) in a data section (the Java SDK
 * reads nothing else), {@code retry-after} in seconds while the operation is in progress, and the request's
 * correlation id (the C# and Node SDKs match by it). A refusal: the request is rejected with DPS's error JSON
 * ({@code errorCode}, {@code trackingId}, {@code message}) as the error's description, as the C# SDK reads it.
 */
final class RegistrationAnswers {
    static final String RETRY_AFTER = "retry-after";

    private RegistrationAnswers() {
    }

    static Message answer(RegistrationOperation operation, Object correlationId) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        properties.setContentType(Symbol.valueOf("application/json"));
        message.setProperties(properties);
        Map<String, Object> applicationProperties = new HashMap<>();
        if (operation.inProgress()) {
            applicationProperties.put(RETRY_AFTER, String.valueOf(DeviceRegistrations.RETRY_AFTER_SECONDS));
        }
        message.setApplicationProperties(new ApplicationProperties(applicationProperties));
        byte[] json = ProvisioningJson.operation(operation).toString().getBytes(StandardCharsets.UTF_8);
        message.setBody(new Data(new Binary(json)));
        return message;
    }

    static Rejected rejection(IotHubError error, Instant now) {
        return Dispositions.rejected(condition(error.httpStatus()),
                ProvisioningJson.error(error, now).toString());
    }

    /** The AMQP condition closest to DPS's HTTP status; the error code in the description says the rest. */
    private static Symbol condition(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> AmqpError.INVALID_FIELD;
            case 401, 403 -> AmqpError.UNAUTHORIZED_ACCESS;
            case 404 -> AmqpError.NOT_FOUND;
            case 412 -> AmqpError.PRECONDITION_FAILED;
            case 429 -> AmqpError.RESOURCE_LIMIT_EXCEEDED;
            default -> AmqpError.INTERNAL_ERROR;
        };
    }
}
