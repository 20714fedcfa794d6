package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinRequestsInFlight;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class AmqpTwinRequestsTest {
    private static final UUID ID = UUID.randomUUID();

    @Test
    void readsTheFourRequestsOfTheDeviceSdk() throws Exception {
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "GET"), "")).operation())
                .isEqualTo(AmqpTwinRequests.Operation.GET);
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "PUT",
                "resource", "/notifications/twin/properties/desired"), "")).operation())
                .isEqualTo(AmqpTwinRequests.Operation.SUBSCRIBE_DESIRED);
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "DELETE",
                "resource", "/notifications/twin/properties/desired"), "")).operation())
                .isEqualTo(AmqpTwinRequests.Operation.UNSUBSCRIBE_DESIRED);

        AmqpTwinRequests.Request patch = AmqpTwinRequests.parse(request(Map.of("operation", "PATCH",
                "resource", "/properties/reported", "version", 4), "{\"a\":1}"));
        assertThat(patch.operation()).isEqualTo(AmqpTwinRequests.Operation.PATCH_REPORTED);
        assertThat(patch.baseVersion()).isEqualTo(4L);
        assertThat(patch.correlationId()).isEqualTo(ID);
        assertThat(new String(patch.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void aPatchWithoutAVersionAppliesWhateverTheVersion() throws Exception {
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "PATCH", "resource", "/properties/reported"), "{}"))
                .baseVersion()).isNull();
    }

    @Test
    void anythingElseIsNoTwinRequest() throws Exception {
        assertThat(AmqpTwinRequests.parse(request(Map.of(), ""))).isNull();
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "PATCH", "resource", "/properties/desired"), "{}")))
                .as("a device cannot patch its desired properties").isNull();
        assertThat(AmqpTwinRequests.parse(request(Map.of("operation", "PUT", "resource", "/properties/reported"), "{}")))
                .isNull();
    }

    @Test
    void aRequestPastTheDevicesCapIsAnswered429AtOnceWithoutTouchingTheStore() throws Exception {
        TwinRequestsInFlight inFlight = new TwinRequestsInFlight();
        for (int i = 0; i < TwinRequestsInFlight.MAX_PER_CONNECTION; i++) {
            assertThat(inFlight.tryStart()).isTrue();
        }
        List<Message> answers = new ArrayList<>();

        // No twin service and no context: a request past the cap must need neither.
        new AmqpTwinRequests(null).answer(IdentityId.device("flooder"),
                AmqpTwinRequests.parse(request(Map.of("operation", "GET"), "")), null, inFlight, answers::add);

        assertThat(answers).singleElement().satisfies(answer -> {
            assertThat(answer.getCorrelationId()).isEqualTo(ID);
            assertThat(answer.getMessageAnnotations().getValue()).containsEntry(Symbol.valueOf("status"), 429);
            assertThat(new String(((Data) answer.getBody()).getValue().getArray(), StandardCharsets.UTF_8))
                    .contains("\"errorCode\":429001");
        });
        inFlight.finished();
        assertThat(inFlight.tryStart()).as("room again once an answer went out").isTrue();
    }

    @Test
    void anAnswerCarriesTheCorrelationIdStatusAndVersionTheSdkReads() {
        Message answer = AmqpTwinRequests.toMessage(ID, new AmqpTwinRequests.Response(204, 9L, ""));

        assertThat(answer.getCorrelationId()).isEqualTo(ID);
        assertThat(answer.getMessageAnnotations().getValue())
                .containsEntry(Symbol.valueOf("status"), 204)
                .containsEntry(Symbol.valueOf("version"), 9L);
    }

    @Test
    void aDesiredNotificationHasNoCorrelationIdAndCarriesItsVersionInTheBody() {
        JsonObject patch = new JsonObject();
        patch.addProperty("telemetryInterval", 3);

        Message notification = AmqpTwinRequests.desiredNotification(patch, 7);

        assertThat(notification.getCorrelationId()).isNull();
        Binary body = ((Data) notification.getBody()).getValue();
        assertThat(new String(body.getArray(), body.getArrayOffset(), body.getLength(), StandardCharsets.UTF_8))
                .isEqualTo("{\"telemetryInterval\":3,\"$version\":7}");
    }

    private static Message request(Map<String, Object> annotations, String body) {
        Map<Symbol, Object> symbols = new HashMap<>();
        annotations.forEach((key, value) -> symbols.put(Symbol.valueOf(key), value));
        Message message = Message.Factory.create();
        message.setCorrelationId(ID);
        message.setMessageAnnotations(new MessageAnnotations(symbols));
        message.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        return message;
    }
}
