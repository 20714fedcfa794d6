package io.github.iothubquickstart.device;

import com.google.gson.JsonObject;

/**
 * The device's answer to a direct method: an HTTP-like status and a JSON object. An object, not a string:
 * the SDK serializes whatever payload it gets with Gson, so a Java String would arrive as a JSON string.
 */
public record MethodResult(int status, JsonObject payload) {
}
