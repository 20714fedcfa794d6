package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.MethodParser;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SdkMethodCallbackTest {

    private final MethodDispatcher dispatcher = new MethodDispatcher(new TelemetrySchedule(Duration.ofSeconds(1)));

    /** Serializes a response the way the SDK's DirectMethod class does before publishing it. */
    private static String wirePayload(DirectMethodResponse response) {
        JsonElement payload = new GsonBuilder().create().toJsonTree(response.getPayload());
        return new MethodParser(payload).toJson();
    }

    @Test
    void successGoesOnTheWireAsAJsonObject() {
        DirectMethodResponse response = SdkMethodCallback.toSdkResponse(dispatcher.handle("SetTelemetryInterval", "10"));

        assertThat(response.getStatus()).isEqualTo(200);
        JsonElement wire = JsonParser.parseString(wirePayload(response));
        assertThat(wire.isJsonObject()).isTrue();
        assertThat(wire).isEqualTo(JsonParser.parseString(
                "{\"telemetryInterval\":10,\"message\":\"Telemetry interval set to 10 s\"}"));
    }

    @Test
    void errorsGoOnTheWireAsJsonObjectsToo() {
        DirectMethodResponse response = SdkMethodCallback.toSdkResponse(dispatcher.handle("Reboot", "{}"));

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(JsonParser.parseString(wirePayload(response)).getAsJsonObject().get("method").getAsString())
                .isEqualTo("Reboot");
    }

    @Test
    void aPlainStringWouldHaveBecomeAJsonString() {
        // Documents the pitfall this adapter avoids.
        assertThat(wirePayload(new DirectMethodResponse(200, "{\"a\":1}"))).startsWith("\"");
    }
}
