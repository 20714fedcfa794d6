package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.qpid.proton.message.Message;

/**
 * Coverage-guided fuzzing (Jazzer) of the AMQP messages clients send the hub: the input is an encoded AMQP message
 * (Proton-J decodes it, as on the wire; what it cannot decode never reaches the hub's code), then each of the hub's
 * readers takes it as telemetry (properties, application properties, annotations, body), a $cbs put-token, a twin
 * request, a DPS registration request and a service's cloud-to-device message. Each either reads it or refuses it
 * with its own exception, which the hub turns into a rejected delivery. Inputs under
 * {@code AmqpMessagesFuzzTargetInputs/} run as regression tests in every build.
 */
class AmqpMessagesFuzzTarget {

    @FuzzTest
    void messagesAreReadOrRejected(byte[] input) {
        Message message = Message.Factory.create();
        try {
            message.decode(input, 0, input.length);
        } catch (RuntimeException notAnAmqpMessage) {
            return; // Proton-J's codec: the link's transfer fails before any hub code runs
        }

        try {
            AmqpTelemetry telemetry = AmqpTelemetry.from(message);
            assertThat(telemetry.body().length).isLessThanOrEqualTo(AmqpTelemetry.MAX_BODY_BYTES);
            assertThat(telemetry.applicationProperties().size()).isLessThanOrEqualTo(AmqpTelemetry.MAX_PROPERTIES);
            assertThat(telemetry.systemProperties().keySet()).allMatch(key -> key.startsWith("$."));
        } catch (AmqpTelemetry.InvalidTelemetryException refused) {
            assertRefusal(refused.condition(), refused.getMessage());
        }
        try {
            CbsPutToken token = CbsPutToken.parse(message);
            assertThat(token.audience()).isNotEmpty().hasSizeLessThanOrEqualTo(CbsPutToken.MAX_FIELD_LENGTH);
            assertThat(token.token()).hasSizeLessThanOrEqualTo(CbsPutToken.MAX_FIELD_LENGTH);
        } catch (CbsPutToken.InvalidRequestException refused) {
            assertThat(refused.status()).isBetween(400, 499);
            assertThat(refused.getMessage()).isNotBlank();
        }
        try {
            AmqpTwinRequests.parse(message);
        } catch (AmqpTelemetry.InvalidTelemetryException refused) {
            assertRefusal(refused.condition(), refused.getMessage());
        }
        try {
            RegistrationRequest.parse(message);
        } catch (RegistrationRequest.InvalidRequestException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
        try {
            AmqpCloudToDeviceMessages.fromService(message);
        } catch (AmqpTelemetry.InvalidTelemetryException refused) {
            assertRefusal(refused.condition(), refused.getMessage());
        }
        MethodRequestIds.fromCorrelationId(message.getCorrelationId());
    }

    private static void assertRefusal(Object condition, String message) {
        assertThat(condition).isNotNull();
        assertThat(message).isNotBlank();
    }
}
