package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.twin.TwinSections;

/**
 * The body of {@code PATCH} and {@code PUT /twins/{id}}: a twin document of which the service may write
 * {@code tags} and {@code properties.desired}. Everything else in it (deviceId, etag, status...) is ignored, as by
 * IoT Hub; reported properties are refused.
 */
final class TwinRequestBody {
    private TwinRequestBody() {
    }

    static TwinSections parse(String body) {
        JsonObject request = JsonBodies.requireObject(body,
                "with \"tags\" and/or \"properties\": {\"desired\": {...}}");
        JsonObject properties = properties(request);
        return new TwinSections(request.get("tags"), properties == null ? null : properties.get("desired"));
    }

    private static JsonObject properties(JsonObject request) {
        JsonElement properties = request.get("properties");
        if (properties == null || properties.isJsonNull()) {
            return null;
        }
        if (!properties.isJsonObject()) {
            throw IotHubErrors.argumentInvalid("\"properties\" must be a JSON object.");
        }
        JsonElement reported = properties.getAsJsonObject().get("reported");
        if (reported != null && !reported.isJsonNull()) {
            throw IotHubErrors.argumentInvalid("Reported properties are written by the device only.");
        }
        return properties.getAsJsonObject();
    }
}
