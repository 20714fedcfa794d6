package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.wire.EdgeHierarchyJson;

/** Devices in IoT Hub's registry JSON shape, both ways. */
final class DeviceJson {
    private DeviceJson() {
    }

    static JsonObject toJson(RegisteredDevice device) {
        DeviceIdentity identity = device.identity();
        DevicePresence.Presence presence = device.presence();
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", identity.deviceId());
        json.addProperty("generationId", identity.generationId());
        json.addProperty("etag", identity.etag());
        json.addProperty("connectionState", presence.connected() ? "Connected" : "Disconnected");
        json.addProperty("status", identity.enabled() ? "enabled" : "disabled");
        if (identity.statusReason() != null) {
            json.addProperty("statusReason", identity.statusReason());
        }
        json.addProperty("connectionStateUpdatedTime", presence.connectionStateUpdated().toString());
        json.addProperty("statusUpdatedTime", DevicePresence.NEVER.toString());
        json.addProperty("lastActivityTime", presence.lastActivity().toString());
        json.addProperty("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        AuthenticationJson.addTo(json, identity.authentication());
        EdgeHierarchyJson.addTo(json, identity.edge());
        return json;
    }

    /**
     * A create or update request: {@code status}, {@code statusReason}, {@code authentication} (SAS keys or X.509),
     * {@code capabilities.iotEdge}, {@code deviceScope} and {@code parentScopes}; read-only members (etag, connection
     * state, times) are ignored as IoT Hub does.
     */
    static DeviceUpdate parse(String body, String pathDeviceId) {
        JsonObject json = object(body);
        String bodyId = string(json, "deviceId");
        if (bodyId != null && !bodyId.equals(pathDeviceId)) {
            throw IotHubErrors.argumentInvalid("The deviceId in the body (" + bodyId
                    + ") is not the one in the path (" + pathDeviceId + ").");
        }
        return fromJson(json);
    }

    /** The settable members of one device, in the registry's shape (also an entry of a bulk operation). */
    static DeviceUpdate fromJson(JsonObject json) {
        String status = string(json, "status");
        boolean enabled;
        if (status == null || status.equalsIgnoreCase("enabled")) {
            enabled = true;
        } else if (status.equalsIgnoreCase("disabled")) {
            enabled = false;
        } else {
            throw IotHubErrors.argumentInvalid("status must be \"enabled\" or \"disabled\", not \"" + status + "\".");
        }
        EdgeHierarchy edge = edgeHierarchy(json);
        return new DeviceUpdate(AuthenticationJson.read(json, "Device"), enabled, string(json, "statusReason"), edge);
    }

    /** What the request asks for; {@code EdgeHierarchyRules} checks it against the registry. */
    private static EdgeHierarchy edgeHierarchy(JsonObject json) {
        boolean iotEdge = false;
        JsonObject capabilities = objectMember(json, "capabilities");
        if (capabilities != null) {
            JsonElement member = capabilities.get("iotEdge");
            if (member != null && !member.isJsonNull()) {
                if (!member.isJsonPrimitive() || !member.getAsJsonPrimitive().isBoolean()) {
                    throw IotHubErrors.argumentInvalid("capabilities.iotEdge must be true or false.");
                }
                iotEdge = member.getAsBoolean();
            }
        }
        String parentScope = null;
        JsonElement parentScopes = json.get("parentScopes");
        if (parentScopes != null && !parentScopes.isJsonNull()) {
            if (!parentScopes.isJsonArray()) {
                throw IotHubErrors.argumentInvalid("parentScopes must be an array of scopes.");
            }
            JsonArray scopes = parentScopes.getAsJsonArray();
            if (scopes.size() > 1) {
                throw IotHubErrors.argumentInvalid("A device has at most one parent; parentScopes has "
                        + scopes.size() + ".");
            }
            if (!scopes.isEmpty()) {
                JsonElement scope = scopes.get(0);
                if (!scope.isJsonPrimitive() || !scope.getAsJsonPrimitive().isString()) {
                    throw IotHubErrors.argumentInvalid("parentScopes must be an array of scopes (strings).");
                }
                parentScope = scope.getAsString();
            }
        }
        return new EdgeHierarchy(iotEdge, string(json, "deviceScope"), parentScope);
    }

    static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw IotHubErrors.formatError("The request body is empty; send the device as JSON.");
        }
        try {
            JsonElement parsed = JsonParser.parseString(body);
            if (parsed.isJsonObject()) {
                return parsed.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            // answered below
        }
        throw IotHubErrors.formatError("The request body is not a JSON object.");
    }

    static JsonObject objectMember(JsonObject parent, String name) {
        JsonElement member = parent.get(name);
        if (member == null || member.isJsonNull()) {
            return null;
        }
        if (!member.isJsonObject()) {
            throw IotHubErrors.argumentInvalid(name + " must be a JSON object.");
        }
        return member.getAsJsonObject();
    }

    static String string(JsonObject parent, String name) {
        JsonElement member = parent.get(name);
        if (member == null || member.isJsonNull()) {
            return null;
        }
        if (!member.isJsonPrimitive()) {
            throw IotHubErrors.argumentInvalid(name + " must be a string.");
        }
        return member.getAsString();
    }
}
