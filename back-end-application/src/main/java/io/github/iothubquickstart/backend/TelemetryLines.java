package io.github.iothubquickstart.backend;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the back-end prints a telemetry message, as Azure's "send telemetry" quickstart reader does: the body, then the
 * properties the device set, then those IoT Hub set.
 */
final class TelemetryLines {
    private TelemetryLines() {
    }

    static String format(String partitionId, long sequenceNumber, Instant enqueuedTime, byte[] body,
                         Map<String, Object> applicationProperties, Map<String, Object> systemProperties) {
        Object device = systemProperties.get("iothub-connection-device-id");
        return "Telemetry from " + (device == null ? "an unknown device" : device) + " (partition " + partitionId
                + ", sequence number " + sequenceNumber + ", enqueued " + enqueuedTime + "):\n"
                + "  " + new String(body, StandardCharsets.UTF_8) + "\n"
                + "  Application properties (set by device): " + new TreeMap<>(applicationProperties) + "\n"
                + "  System properties (set by IoT Hub): " + new TreeMap<>(systemProperties);
    }
}
