package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MethodDispatcherTest {

    private final TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofSeconds(1));
    private final MethodDispatcher dispatcher = new MethodDispatcher(schedule);

    @Test
    void setsTheIntervalAndAnswers200WithAJsonObject() {
        MethodResult result = dispatcher.handle("SetTelemetryInterval", "10");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.payload()).isEqualTo(JsonParser.parseString(
                "{\"telemetryInterval\":10,\"message\":\"Telemetry interval set to 10 s\"}"));
        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1 | 1", "3600 | 3600", "\"10\" | 10", "10.0 | 10"})
    void acceptsLimitsAndNumericStrings(String payload, int expectedSeconds) {
        MethodResult result = dispatcher.handle("SetTelemetryInterval", payload);

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.payload().get("telemetryInterval").getAsInt()).isEqualTo(expectedSeconds);
        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(expectedSeconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3601", "2.5", "\"abc\"", "{}", "{\"interval\":10}", "[5]", "true", "null", ""})
    void badPayloadGets400WithAReasonAndLeavesTheIntervalAlone(String payload) {
        MethodResult result = dispatcher.handle("SetTelemetryInterval", payload);

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.payload().get("error").getAsString()).isEqualTo("InvalidPayload");
        assertThat(result.payload().get("method").getAsString()).isEqualTo("SetTelemetryInterval");
        assertThat(result.payload().get("message").getAsString()).contains("1 to 3600");
        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fractionIsRejectedAsNotWholeSeconds() {
        MethodResult result = dispatcher.handle("SetTelemetryInterval", "2.5");

        assertThat(result.payload().get("message").getAsString())
                .isEqualTo("the interval must be a whole number of seconds (1 to 3600), got 2.5");
    }

    @Test
    void unknownMethodGets404NamingIt() {
        MethodResult result = dispatcher.handle("Reboot", "{}");

        assertThat(result.status()).isEqualTo(404);
        assertThat(result.payload().get("error").getAsString()).isEqualTo("UnknownMethod");
        assertThat(result.payload().get("method").getAsString()).isEqualTo("Reboot");
        assertThat(result.payload().get("message").getAsString())
                .isEqualTo("this device has no method 'Reboot'; it supports SetTelemetryInterval");
    }

    @Test
    void methodNamesAreCaseSensitiveLikeIotHub() {
        assertThat(dispatcher.handle("settelemetryinterval", "10").status()).isEqualTo(404);
    }
}
