package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class MethodRequestIdsTest {

    @Test
    void theHubsHexRequestIdTravelsAsAUuidTheDeviceSdkCanParseAndComesBackUnchanged() {
        Object correlationId = MethodRequestIds.toCorrelationId("2a");

        assertThat(correlationId).isInstanceOf(UUID.class);
        assertThat(UUID.fromString(correlationId.toString())).isEqualTo(correlationId);
        assertThat(MethodRequestIds.fromCorrelationId(correlationId)).isEqualTo("2a");
        assertThat(MethodRequestIds.fromCorrelationId(MethodRequestIds.toCorrelationId("ffffffffffffffff")))
                .isEqualTo("ffffffffffffffff");
    }

    @Test
    void theUuidAsTextAsTheNodeDeviceSdkAnswersIsTheSameRequest() {
        Object correlationId = MethodRequestIds.toCorrelationId("2a");

        assertThat(MethodRequestIds.fromCorrelationId(correlationId.toString())).isEqualTo("2a");
        assertThat(MethodRequestIds.fromCorrelationId(UUID.randomUUID().toString())).isNull();
        assertThat(MethodRequestIds.fromCorrelationId("not-a-uuid-but-exactly-36-characters")).isEqualTo(
                "not-a-uuid-but-exactly-36-characters");
    }

    @Test
    void aUuidTheHubCannotHaveSentStandsForNoRequest() {
        assertThat(MethodRequestIds.fromCorrelationId(UUID.randomUUID())).isNull();
        assertThat(MethodRequestIds.fromCorrelationId(42L)).isNull();
        assertThat(MethodRequestIds.fromCorrelationId(null)).isNull();
    }
}
