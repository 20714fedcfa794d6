package io.github.iothubquickstart.localhub.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.RegistrationOperation;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import java.time.Instant;
import java.util.UUID;

/**
 * The Device Provisioning Service's JSON as every device transport (MQTT, AMQP, HTTPS) writes and reads it: the
 * device's registration request, the operation status ({@code RegistrationOperationStatus}), the registration state
 * ({@code DeviceRegistrationResult}) and DPS's error body.
 */
public final class ProvisioningJson {
    private ProvisioningJson() {
    }

    /** A device's {@code {"registrationId": .., "payload": ..}}; payload may be absent (null). */
    public record RegisterRequest(String registrationId, JsonElement payload) {
    }

    /**
     * Parses a registration request body. An empty body means no registration id (the transport then uses the one
     * the device authenticated as, as DPS does for HTTPS and AMQP requests without a body).
     *
     * @throws IotHubError 400 when the body is not such a JSON object
     */
    public static RegisterRequest registerRequest(String body) {
        if (body == null || body.isBlank()) {
            return new RegisterRequest(null, null);
        }
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw ProvisioningErrors.badRequest("The registration request is not valid JSON");
        }
        if (!parsed.isJsonObject()) {
            throw ProvisioningErrors.badRequest("The registration request is not a JSON object");
        }
        JsonObject request = parsed.getAsJsonObject();
        JsonElement registrationId = request.get("registrationId");
        String id = null;
        if (registrationId != null && !registrationId.isJsonNull()) {
            if (!registrationId.isJsonPrimitive() || !registrationId.getAsJsonPrimitive().isString()) {
                throw ProvisioningErrors.badRequest("registrationId must be a string");
            }
            id = registrationId.getAsString();
        }
        JsonElement payload = request.get("payload");
        return new RegisterRequest(id, payload == null || payload.isJsonNull() ? null : unwrapped(payload));
    }

    /**
     * The Java provisioning device client sends its payload as a JSON string holding the JSON object (Gson of a
     * String field); the C# and Node clients send the object. Both mean the object, and the Java client only reads
     * an object back.
     */
    private static JsonElement unwrapped(JsonElement payload) {
        if (payload.isJsonPrimitive() && payload.getAsJsonPrimitive().isString()) {
            try {
                JsonElement inside = JsonParser.parseString(payload.getAsString());
                if (inside.isJsonObject()) {
                    return inside;
                }
            } catch (JsonParseException notJson) {
                // a plain string: kept as sent
            }
        }
        return payload;
    }

    /** {@code {"operationId":..,"status":..[,"registrationState":{..}]}} */
    public static JsonObject operation(RegistrationOperation operation) {
        JsonObject json = new JsonObject();
        json.addProperty("operationId", operation.operationId());
        json.addProperty("status", operation.status().wireName());
        if (operation.registrationState() != null) {
            json.add("registrationState", registrationState(operation.registrationState()));
        }
        return json;
    }

    /** A registration state as DPS shows it to the device and to the service API. */
    public static JsonObject registrationState(RegistrationState state) {
        JsonObject json = new JsonObject();
        json.addProperty("registrationId", state.registrationId());
        addTime(json, "createdDateTimeUtc", state.createdDateTimeUtc());
        if (state.assignedHub() != null) {
            json.addProperty("assignedHub", state.assignedHub());
        }
        if (state.deviceId() != null) {
            json.addProperty("deviceId", state.deviceId());
        }
        json.addProperty("status", state.status().wireName());
        if (state.substatus() != null) {
            json.addProperty("substatus", state.substatus().wireName());
        }
        if (state.errorCode() != null) {
            json.addProperty("errorCode", state.errorCode());
        }
        if (state.errorMessage() != null) {
            json.addProperty("errorMessage", state.errorMessage());
        }
        addTime(json, "lastUpdatedDateTimeUtc", state.lastUpdatedDateTimeUtc());
        if (state.etag() != null) {
            json.addProperty("etag", state.etag());
        }
        if (state.payload() != null) {
            json.add("payload", state.payload());
        }
        return json;
    }

    /** DPS's error body: {@code {"errorCode":401002,"trackingId":..,"message":..,"timestampUtc":..}}. */
    public static JsonObject error(IotHubError error, Instant now) {
        JsonObject json = new JsonObject();
        json.addProperty("errorCode", error.errorCode());
        json.addProperty("trackingId", UUID.randomUUID().toString());
        json.addProperty("message", error.getMessage());
        json.addProperty("timestampUtc", now.toString());
        return json;
    }

    private static void addTime(JsonObject json, String name, Instant time) {
        if (time != null) {
            json.addProperty(name, time.toString());
        }
    }
}
