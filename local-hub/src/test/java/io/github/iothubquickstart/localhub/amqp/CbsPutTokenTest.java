package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class CbsPutTokenTest {
    private static final UUID ID = UUID.randomUUID();

    @Test
    void readsTheRequestAsTheDeviceSdkSendsIt() throws Exception {
        CbsPutToken request = CbsPutToken.parse(request(properties(), new AmqpValue("SharedAccessSignature sr=x")));

        assertThat(request.messageId()).isEqualTo(ID);
        assertThat(request.audience()).isEqualTo("hub.local/devices/dev1");
        assertThat(request.token()).isEqualTo("SharedAccessSignature sr=x");
    }

    @Test
    void aRequestWithoutPropertiesIsABadRequest() {
        Message message = request(null, new AmqpValue("token"));

        assertThatThrownBy(() -> CbsPutToken.parse(message)).isInstanceOf(CbsPutToken.InvalidRequestException.class)
                .satisfies(e -> assertThat(((CbsPutToken.InvalidRequestException) e).status()).isEqualTo(400));
    }

    @Test
    void onlyPutTokenWithASasTokenTypeIsTaken() {
        Map<String, Object> deleteToken = properties();
        deleteToken.put("operation", "delete-token");
        Map<String, Object> jwt = properties();
        jwt.put("type", "jwt");

        assertThatThrownBy(() -> CbsPutToken.parse(request(deleteToken, new AmqpValue("token"))))
                .hasMessageContaining("put-token");
        assertThatThrownBy(() -> CbsPutToken.parse(request(jwt, new AmqpValue("token"))))
                .hasMessageContaining("servicebus.windows.net:sastoken");
    }

    @Test
    void theAudienceIsRequiredAndMustBeAString() {
        Map<String, Object> noName = properties();
        noName.remove("name");
        Map<String, Object> numericName = properties();
        numericName.put("name", 42);

        assertThatThrownBy(() -> CbsPutToken.parse(request(noName, new AmqpValue("token")))).hasMessageContaining("name");
        assertThatThrownBy(() -> CbsPutToken.parse(request(numericName, new AmqpValue("token"))))
                .hasMessageContaining("must be a string");
    }

    @Test
    void theTokenIsAStringBodyOfBoundedLength() {
        assertThatThrownBy(() -> CbsPutToken.parse(request(properties(), new Data(new Binary(new byte[10])))))
                .hasMessageContaining("string body");
        assertThatThrownBy(() -> CbsPutToken.parse(request(properties(), new AmqpValue("x".repeat(5000)))))
                .hasMessageContaining("longer than");
    }

    @Test
    void theAnswerCarriesTheStatusAsAnIntAndTheRequestIdAsCorrelation() {
        Message answer = CbsAnswer.unauthorized("Unauthorized").toMessage(ID, "cbs");

        assertThat(answer.getCorrelationId()).isEqualTo(ID);
        assertThat(answer.getApplicationProperties().getValue())
                .containsEntry("status-code", 401)
                .containsEntry("status-description", "Unauthorized");
    }

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("operation", "put-token");
        properties.put("type", "servicebus.windows.net:sastoken");
        properties.put("name", "hub.local/devices/dev1");
        return properties;
    }

    private static Message request(Map<String, Object> properties, org.apache.qpid.proton.amqp.messaging.Section body) {
        Message message = Message.Factory.create();
        message.setMessageId(ID);
        message.setReplyTo("cbs");
        if (properties != null) {
            message.setApplicationProperties(new ApplicationProperties(properties));
        }
        message.setBody(body);
        return message;
    }
}
