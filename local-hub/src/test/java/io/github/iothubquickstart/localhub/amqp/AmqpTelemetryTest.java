package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class AmqpTelemetryTest {

    @Test
    void systemPropertiesTakeTheKeysOfTheMqttPropertyBag() throws Exception {
        UUID messageId = UUID.randomUUID();
        Message message = Message.Factory.create();
        message.setMessageId(messageId);
        message.setCorrelationId("c-1");
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setUserId("user".getBytes(StandardCharsets.UTF_8));
        message.setApplicationProperties(new ApplicationProperties(Map.of(
                "temperatureAlert", "true",
                "count", 3,
                "iothub-connection-device-id", "dev1",
                "iothub-creation-time-utc", "2026-01-01T00:00:00Z")));
        message.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("dt-subject"), "thermostat1")));
        message.setBody(new Data(new Binary("{\"t\":1}".getBytes(StandardCharsets.UTF_8))));

        AmqpTelemetry telemetry = AmqpTelemetry.from(message);

        assertThat(telemetry.systemProperties())
                .containsEntry("$.mid", messageId.toString())
                .containsEntry("$.cid", "c-1")
                .containsEntry("$.ct", "application/json")
                .containsEntry("$.ce", "utf-8")
                .containsEntry("$.uid", "user")
                .containsEntry("$.cdid", "dev1")
                .containsEntry("$.ctime", "2026-01-01T00:00:00Z")
                .containsEntry("$.sub", "thermostat1");
        assertThat(telemetry.applicationProperties())
                .containsOnly(Map.entry("temperatureAlert", "true"), Map.entry("count", "3"));
        assertThat(new String(telemetry.body(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":1}");
    }

    @Test
    void aStringBodyIsTakenAsUtf8AndNoBodyAsEmpty() throws Exception {
        Message text = Message.Factory.create();
        text.setBody(new AmqpValue("héllo"));
        Message empty = Message.Factory.create();

        assertThat(new String(AmqpTelemetry.from(text).body(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(AmqpTelemetry.from(empty).body()).isEmpty();
        assertThat(AmqpTelemetry.from(empty).systemProperties()).isEmpty();
    }

    @Test
    void aBodyOverIotHubsLimitIsRefusedAsTooLarge() {
        Message big = Message.Factory.create();
        big.setBody(new Data(new Binary(new byte[AmqpTelemetry.MAX_BODY_BYTES + 1])));

        assertThatThrownBy(() -> AmqpTelemetry.from(big))
                .isInstanceOf(AmqpTelemetry.InvalidTelemetryException.class)
                .satisfies(e -> assertThat(((AmqpTelemetry.InvalidTelemetryException) e).condition().toString())
                        .isEqualTo("amqp:link:message-size-exceeded"));
    }

    @Test
    void aBodyOfExactlyTheLimitIsTaken() throws Exception {
        Message atLimit = Message.Factory.create();
        atLimit.setBody(new Data(new Binary(new byte[AmqpTelemetry.MAX_BODY_BYTES])));

        assertThat(AmqpTelemetry.from(atLimit).body()).hasSize(AmqpTelemetry.MAX_BODY_BYTES);
    }

    @Test
    void sequenceBodiesAndTooManyPropertiesAreInvalid() {
        Message sequence = Message.Factory.create();
        sequence.setBody(new AmqpSequence(List.of("a", "b")));
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= AmqpTelemetry.MAX_PROPERTIES; i++) {
            many.put("p" + i, i);
        }
        Message crowded = Message.Factory.create();
        crowded.setApplicationProperties(new ApplicationProperties(many));

        assertThatThrownBy(() -> AmqpTelemetry.from(sequence)).hasMessageContaining("data or a string");
        assertThatThrownBy(() -> AmqpTelemetry.from(crowded)).hasMessageContaining("application properties");
    }
}
