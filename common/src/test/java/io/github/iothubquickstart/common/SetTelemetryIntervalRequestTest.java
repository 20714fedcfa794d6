package io.github.iothubquickstart.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SetTelemetryIntervalRequestTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1       | 1",
        "10      | 10",
        "3600    | 3600",
        "\"10\"  | 10",
        "\" 7 \" | 7",
        "10.0    | 10",
        "1e1     | 10"
    })
    void acceptsWholeSecondsInRange(String payload, int expectedSeconds) throws Exception {
        assertThat(SetTelemetryIntervalRequest.parse(payload).seconds()).isEqualTo(expectedSeconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3601", "-5", "\"0\"", "99999999999999999999"})
    void rejectsOutOfRangeNamingTheRange(String payload) {
        assertThatThrownBy(() -> SetTelemetryIntervalRequest.parse(payload))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("from 1 to 3600 seconds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.5", "\"2.5\"", "0.5"})
    void rejectsFractionsBecauseTheIntervalIsWholeSeconds(String payload) {
        assertThatThrownBy(() -> SetTelemetryIntervalRequest.parse(payload))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("whole number of seconds");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                     | a JSON object {}",
        "{\"interval\":10}      | a JSON object",
        "[10]                   | a JSON array",
        "null                   | got null",
        "true                   | got true",
        "\"ten\"                | got \"ten\"",
        "{bad                   | not JSON"
    })
    void rejectsNonNumbersSayingWhatArrived(String payload, String expectedFragment) {
        assertThatThrownBy(() -> SetTelemetryIntervalRequest.parse(payload))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("the payload must be a number of seconds from 1 to 3600 seconds")
                .hasMessageContaining(expectedFragment);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyPayload(String payload) {
        assertThatThrownBy(() -> SetTelemetryIntervalRequest.parse(payload))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("empty payload");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3601})
    void cannotBeBuiltOutOfRange(int seconds) {
        assertThatThrownBy(() -> new SetTelemetryIntervalRequest(seconds))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
