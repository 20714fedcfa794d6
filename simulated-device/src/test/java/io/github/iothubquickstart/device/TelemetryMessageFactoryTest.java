package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.common.Telemetry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TelemetryMessageFactoryTest {

    private final TelemetryMessageFactory factory = new TelemetryMessageFactory();

    @Test
    void bodyIsTheJsonReadingInUtf8() {
        Message message = factory.create(new Telemetry(27.1, 71.2));

        assertThat(new String(message.getBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"temperature\":27.1,\"humidity\":71.2}");
        assertThat(message.getContentType()).isEqualTo("application/json");
        assertThat(message.getContentEncoding()).isEqualTo("utf-8");
    }

    @Test
    void flagsHotReadings() {
        assertThat(factory.create(new Telemetry(30.5, 70)).getProperty("temperatureAlert")).isEqualTo("true");
        assertThat(factory.create(new Telemetry(25.0, 70)).getProperty("temperatureAlert")).isEqualTo("false");
    }
}
