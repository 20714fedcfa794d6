package io.github.iothubquickstart.backend;

/**
 * A twin request from the command line: set the desired {@code telemetryInterval} (when {@code desiredInterval}
 * is not null), show the twin, or both (set first).
 */
public record TwinRequest(String deviceId, Integer desiredInterval, boolean show) {
}
