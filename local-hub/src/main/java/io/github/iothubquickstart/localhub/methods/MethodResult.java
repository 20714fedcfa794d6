package io.github.iothubquickstart.localhub.methods;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/** A device's answer to a direct method: its status and its JSON payload (JSON null when it sent none). */
public record MethodResult(int status, JsonElement payload) {

    /** A device's answer as its transport received it: a payload that is not JSON is passed on as a JSON string. */
    public static MethodResult fromDevice(int status, String payloadText) {
        if (payloadText.isBlank()) {
            return new MethodResult(status, JsonNull.INSTANCE);
        }
        try {
            return new MethodResult(status, JsonParser.parseString(payloadText));
        } catch (JsonParseException notJson) {
            return new MethodResult(status, new JsonPrimitive(payloadText));
        }
    }
}
