package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class RegistrationRequestTest {
    @Test
    void aRegisterRequestAsTheJavaSdkSendsItCarriesTheRegistrationJson() throws Exception {
        Message message = message(Map.of("iotdps-operation-type", "iotdps-register"));
        message.setBody(new Data(new Binary("{\"registrationId\":\"d1\"}".getBytes(StandardCharsets.UTF_8))));

        RegistrationRequest request = RegistrationRequest.parse(message);

        assertThat(request.operation()).isEqualTo(RegistrationRequest.Operation.REGISTER);
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"d1\"}");
        assertThat(request.correlationId()).isNull();
    }

    @Test
    void aStatusRequestAsTheCSharpSdkSendsItIsAnsweredUnderItsCorrelationId() throws Exception {
        Message message = message(Map.of("iotdps-operation-type", "iotdps-get-operationstatus",
                "iotdps-operation-id", "op-1", "iotdps-forceRegistration", false));
        message.setBody(new AmqpValue("iotdps-get-operationstatus"));
        message.setCorrelationId("corr-1");

        RegistrationRequest request = RegistrationRequest.parse(message);

        assertThat(request.operation()).isEqualTo(RegistrationRequest.Operation.GET_OPERATION_STATUS);
        assertThat(request.operationId()).isEqualTo("op-1");
        assertThat(request.correlationId()).isEqualTo("corr-1");
    }

    @Test
    void aRegisterWithoutBodyHasAnEmptyOne() throws Exception {
        RegistrationRequest request = RegistrationRequest.parse(message(Map.of("iotdps-operation-type",
                "iotdps-register")));
        assertThat(request.body()).isEmpty();
    }

    @Test
    void anUnknownOrMissingOperationTypeIsABadRequest() {
        assertThatThrownBy(() -> RegistrationRequest.parse(message(Map.of("iotdps-operation-type", "iotdps-delete"))))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class)
                .hasMessageContaining("iotdps-operation-type");
        assertThatThrownBy(() -> RegistrationRequest.parse(Message.Factory.create()))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class);
        Map<String, Object> notAString = new HashMap<>();
        notAString.put("iotdps-operation-type", 7);
        assertThatThrownBy(() -> RegistrationRequest.parse(message(notAString)))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class);
    }

    @Test
    void aStatusRequestWithoutAUsableOperationIdIsABadRequest() {
        assertThatThrownBy(() -> RegistrationRequest.parse(message(Map.of("iotdps-operation-type",
                "iotdps-get-operationstatus"))))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class)
                .hasMessageContaining("iotdps-operation-id");
        assertThatThrownBy(() -> RegistrationRequest.parse(message(Map.of("iotdps-operation-type",
                "iotdps-get-operationstatus", "iotdps-operation-id", 12))))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class);
        assertThatThrownBy(() -> RegistrationRequest.parse(message(Map.of("iotdps-operation-type",
                "iotdps-get-operationstatus", "iotdps-operation-id",
                "x".repeat(RegistrationRequest.MAX_OPERATION_ID_LENGTH + 1)))))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class);
    }

    @Test
    void aRegisterBodyThatIsNeitherDataNorTextIsABadRequest() {
        Message message = message(Map.of("iotdps-operation-type", "iotdps-register"));
        message.setBody(new AmqpValue(42));
        assertThatThrownBy(() -> RegistrationRequest.parse(message))
                .isInstanceOf(RegistrationRequest.InvalidRequestException.class);
    }

    private static Message message(Map<String, Object> properties) {
        Message message = Message.Factory.create();
        message.setApplicationProperties(new ApplicationProperties(new HashMap<>(properties)));
        return message;
    }
}
