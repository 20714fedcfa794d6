package io.github.iothubquickstart.localhub.methods;

import com.google.gson.JsonElement;

/** A device's answer to a direct method: its status and its JSON payload (JSON null when it sent none). */
public record MethodResult(int status, JsonElement payload) {
}
