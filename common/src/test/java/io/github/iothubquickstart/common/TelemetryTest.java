package io.github.iothubquickstart.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    @Test
    void serializesExactlyTemperatureAndHumidity() {
        String json = new Telemetry(27.1, 71.2).toJson();

        assertThat(json).isEqualTo("{\"temperature\":27.1,\"humidity\":71.2}");
        JsonObject object = JsonParser.parseString(json).getAsJsonObject();
        assertThat(object.keySet()).containsExactlyInAnyOrder("temperature", "humidity");
    }

    @Test
    void roundTripsThroughJson() {
        Telemetry original = new Telemetry(34.9, 60.0);

        assertThat(Telemetry.fromJson(original.toJson())).isEqualTo(original);
    }

    @Test
    void readsJsonWrittenByOtherClients() {
        assertThat(Telemetry.fromJson("{ \"humidity\": 65, \"temperature\": 21.5 }"))
                .isEqualTo(new Telemetry(21.5, 65));
    }

    @Test
    void rejectsEmptyJson() {
        assertThatThrownBy(() -> Telemetry.fromJson("")).isInstanceOf(JsonParseException.class);
    }

    @Test
    void alertsOnlyAboveThirtyDegrees() {
        assertThat(new Telemetry(30.0, 70).temperatureAlert()).isFalse();
        assertThat(new Telemetry(30.1, 70).temperatureAlert()).isTrue();
        assertThat(new Telemetry(20.0, 70).temperatureAlert()).isFalse();
    }
}
