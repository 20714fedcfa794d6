package io.github.iothubquickstart.localhub.jobs;

import com.google.gson.JsonElement;

/** A device's answer to a method job: its status and JSON payload (JSON null for none). */
public record DeviceMethodResponse(int status, JsonElement payload) {
}
