package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.microsoft.azure.sdk.iot.service.methods.serializers.MethodParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPayloadParserTest {

    private final JsonPayloadParser parser = new JsonPayloadParser();

    /** The request body the service SDK will POST for this payload. */
    private static String requestBody(JsonElement payload) {
        return new MethodParser("SetTelemetryInterval", 30, 5, payload).toJson();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10              | \"payload\":10}",
        "2.5             | \"payload\":2.5}",
        "\"10\"          | \"payload\":\"10\"}",
        "{\"a\":1}       | \"payload\":{\"a\":1}}",
        "[1,2]           | \"payload\":[1,2]}",
        "true            | \"payload\":true}",
        "null            | \"payload\":null}"
    })
    void goesOnTheWireExactlyAsWritten(String payload, String expectedEnd) {
        assertThat(requestBody(parser.parse(payload))).endsWith(expectedEnd)
                .startsWith("{\"methodName\":\"SetTelemetryInterval\",\"responseTimeoutInSeconds\":30,"
                        + "\"connectTimeoutInSeconds\":5,");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{bad", "hello", "{\"a\":1", "10 20", "{'a':1}", "[1,]", "NaN"})
    void rejectsWhatIsNotStrictJson(String payload) {
        assertThatThrownBy(() -> parser.parse(payload))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--payload is not valid JSON (")
                .hasMessageContaining(payload)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void rejectsEmptyPayload(String payload) {
        assertThatThrownBy(() -> parser.parse(payload)).hasMessageStartingWith("--payload is empty");
    }
}
