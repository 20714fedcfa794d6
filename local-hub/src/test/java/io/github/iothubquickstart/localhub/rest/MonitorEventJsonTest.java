package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor stream names the module that sent a message, and only then. */
class MonitorEventJsonTest {
    private static final Instant AT = Instant.parse("2026-03-01T08:00:00Z");

    @Test
    void aModulesMessageCarriesItsModuleId() {
        TelemetryMessage message = new TelemetryMessage(7, "plant", AT,
                Map.of(TelemetryMessage.MODULE_ID_PROPERTY, "thermometer"), Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8));

        JsonObject json = JsonParser.parseString(MonitorRoute.toJson(message)).getAsJsonObject();

        assertThat(json.get("deviceId").getAsString()).isEqualTo("plant");
        assertThat(json.get("moduleId").getAsString()).isEqualTo("thermometer");
    }

    @Test
    void aDevicesMessageHasNoModuleId() {
        TelemetryMessage message = new TelemetryMessage(8, "plant", AT, Map.of(), Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8));

        JsonObject json = JsonParser.parseString(MonitorRoute.toJson(message)).getAsJsonObject();

        assertThat(json.has("moduleId")).isFalse();
    }
}
