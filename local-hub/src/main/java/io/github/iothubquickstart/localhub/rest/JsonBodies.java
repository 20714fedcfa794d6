package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;

/** Request bodies that must be one JSON object; anything else is IoT Hub's 400006 (format error). */
final class JsonBodies {
    private JsonBodies() {
    }

    /** @param expected what the object should hold, for the error message: "with methodName and payload" */
    static JsonObject requireObject(String body, String expected) {
        if (body == null || body.isBlank()) {
            throw IotHubErrors.formatError("The request body is empty; send a JSON object " + expected + ".");
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw IotHubErrors.formatError("The request body is not valid JSON.");
        }
        if (!json.isJsonObject()) {
            throw IotHubErrors.formatError("The request body must be a JSON object " + expected + ".");
        }
        return json.getAsJsonObject();
    }

    /** A string member, or null when absent or null; IoT Hub's 400004 when it is something else. */
    static String optionalString(JsonObject body, String name) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw IotHubErrors.argumentInvalid(name + " must be a string.");
        }
        return value.getAsString();
    }
}
