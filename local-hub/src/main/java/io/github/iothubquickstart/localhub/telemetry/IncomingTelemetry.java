package io.github.iothubquickstart.localhub.telemetry;

import java.time.Instant;
import java.util.Map;

/** A device-to-cloud message the hub received and has not yet numbered or stored. */
public record IncomingTelemetry(String deviceId, Instant enqueuedTime, Map<String, String> systemProperties,
                                Map<String, String> applicationProperties, byte[] body) {

    public IncomingTelemetry {
        systemProperties = Map.copyOf(systemProperties);
        applicationProperties = Map.copyOf(applicationProperties);
    }

    public TelemetryMessage numbered(long sequenceNumber) {
        return new TelemetryMessage(sequenceNumber, deviceId, enqueuedTime, systemProperties, applicationProperties, body);
    }
}
