package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.methods.MethodRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MethodRequestParserTest {

    @Test
    void sdkRequestIsReadWithItsTimeoutsAndPayload() {
        MethodRequest request = MethodRequestParser.parse("{\"methodName\":\"SetTelemetryInterval\","
                + "\"responseTimeoutInSeconds\":30,\"connectTimeoutInSeconds\":5,\"payload\":10}");

        assertThat(request).isEqualTo(new MethodRequest("SetTelemetryInterval", Duration.ofSeconds(30),
                Duration.ofSeconds(5), "10"));
    }

    @Test
    void missingTimeoutsTakeIotHubDefaultsAndMissingPayloadIsEmpty() {
        MethodRequest request = MethodRequestParser.parse("{\"methodName\":\"reboot\"}");

        assertThat(request.responseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(request.connectTimeout()).isZero();
        assertThat(request.payload()).isEmpty();
    }

    @Test
    void nullPayloadIsForwardedAsJsonNullAndNotAsAnEmptyPayload() {
        MethodRequest request = MethodRequestParser.parse("{\"methodName\":\"reboot\",\"payload\":null}");

        assertThat(request.payload()).isEqualTo("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "\"text\"", "{"})
    void bodyThatIsNotAJsonObjectIs400006(String body) {
        assertThatThrownBy(() -> MethodRequestParser.parse(body))
                .isInstanceOfSatisfying(IotHubError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(400006);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"payload\":1}",
            "{\"methodName\":5}",
            "{\"methodName\":\"\"}",
            "{\"methodName\":\"has space\"}",
            "{\"methodName\":\"a/b\"}",
            "{\"methodName\":\"$reserved\"}",
            "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":4}",
            "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}",
            "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":\"30\"}",
            "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":5.5}",
            "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":-1}",
            "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":301}"})
    void invalidNamesAndOutOfRangeTimeoutsAre400004(String body) {
        assertThatThrownBy(() -> MethodRequestParser.parse(body))
                .isInstanceOfSatisfying(IotHubError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(400004);
                });
    }

    @Test
    void timeoutsAtTheEdgesOfTheirRangesAreAccepted() {
        MethodRequest request = MethodRequestParser.parse(
                "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":300,\"connectTimeoutInSeconds\":300}");

        assertThat(request.responseTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(request.connectTimeout()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void payloadOver128KbIsRefusedAndOneAtTheLimitIsAccepted() {
        String atLimit = "\"" + "x".repeat(128 * 1024 - 2) + "\"";
        String overLimit = "\"" + "x".repeat(128 * 1024 - 1) + "\"";

        assertThat(MethodRequestParser.parse("{\"methodName\":\"m\",\"payload\":" + atLimit + "}").payload())
                .hasSize(128 * 1024);
        assertThatThrownBy(() -> MethodRequestParser.parse("{\"methodName\":\"m\",\"payload\":" + overLimit + "}"))
                .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
                .hasMessageContaining("128 KB");
    }
}
