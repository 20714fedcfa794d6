package io.github.iothubquickstart.backend;

import com.google.gson.JsonElement;

/**
 * One direct method invocation as asked on the command line.
 *
 * @param payload the parsed JSON payload; sent as-is, so {@code 10} goes on the wire as the number 10
 */
public record MethodCall(String deviceId, String methodName, JsonElement payload, int responseTimeoutSeconds,
        int connectTimeoutSeconds) {
}
