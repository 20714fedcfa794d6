package io.github.iothubquickstart.localhub.telemetry;

import java.time.Instant;
import java.util.Map;

/** One device-to-cloud message as the hub accepted it (from a device, or a module of it). */
public record TelemetryMessage(
        long sequenceNumber,
        String deviceId,
        Instant enqueuedTime,
        Map<String, String> systemProperties,
        Map<String, String> applicationProperties,
        byte[] body) {

    /** The system property in which IoT Hub names the module that sent a message. */
    public static final String MODULE_ID_PROPERTY = "iothub-connection-module-id";
    /** The system property in which IoT Hub names the generation of the identity that authenticated the sender. */
    public static final String AUTH_GENERATION_ID_PROPERTY = "iothub-connection-auth-generation-id";

    public TelemetryMessage {
        systemProperties = Map.copyOf(systemProperties);
        applicationProperties = Map.copyOf(applicationProperties);
    }

    /** The module that sent it; null when the device itself did. */
    public String moduleId() {
        return systemProperties.get(MODULE_ID_PROPERTY);
    }

    /** The generation id of the device or module that sent it, when its transport knew it; else null. */
    public String authGenerationId() {
        return systemProperties.get(AUTH_GENERATION_ID_PROPERTY);
    }
}
