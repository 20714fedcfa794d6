package io.github.iothubquickstart.localhub.telemetry;

import java.time.Instant;
import java.util.Map;

/** One device-to-cloud message as the hub accepted it. */
public record TelemetryMessage(
        long sequenceNumber,
        String deviceId,
        Instant enqueuedTime,
        Map<String, String> systemProperties,
        Map<String, String> applicationProperties,
        byte[] body) {

    public TelemetryMessage {
        systemProperties = Map.copyOf(systemProperties);
        applicationProperties = Map.copyOf(applicationProperties);
    }
}
