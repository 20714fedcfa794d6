package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.common.Telemetry;
import java.nio.charset.StandardCharsets;

/** Builds the SDK message for a reading: JSON body, UTF-8, and the temperatureAlert property for routing. */
public final class TelemetryMessageFactory {

    public Message create(Telemetry telemetry) {
        Message message = new Message(telemetry.toJson().getBytes(StandardCharsets.UTF_8));
        // Content type and encoding let IoT Hub routing queries read the body as JSON.
        message.setContentType("application/json");
        message.setContentEncoding("utf-8");
        message.setProperty(Telemetry.ALERT_PROPERTY, String.valueOf(telemetry.temperatureAlert()));
        return message;
    }
}
