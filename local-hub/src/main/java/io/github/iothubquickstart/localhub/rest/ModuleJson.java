package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleUpdate;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;

/** Modules in IoT Hub's registry JSON shape (the device shape with {@code moduleId} and {@code managedBy}), both ways. */
final class ModuleJson {
    private ModuleJson() {
    }

    static JsonObject toJson(RegisteredModule module) {
        ModuleIdentity identity = module.identity();
        DevicePresence.Presence presence = module.presence();
        JsonObject json = new JsonObject();
        json.addProperty("moduleId", identity.moduleId());
        json.addProperty("deviceId", identity.deviceId());
        if (identity.managedBy() != null) {
            json.addProperty("managedBy", identity.managedBy());
        }
        json.addProperty("generationId", identity.generationId());
        json.addProperty("etag", identity.etag());
        json.addProperty("connectionState", presence.connected() ? "Connected" : "Disconnected");
        json.addProperty("connectionStateUpdatedTime", presence.connectionStateUpdated().toString());
        json.addProperty("lastActivityTime", presence.lastActivity().toString());
        json.addProperty("cloudToDeviceMessageCount", 0);
        AuthenticationJson.addTo(json, identity.authentication());
        return json;
    }

    /**
     * A create or update request: {@code authentication} (SAS keys or X.509) and {@code managedBy}; read-only members
     * are ignored as IoT Hub does.
     */
    static ModuleUpdate parse(String body, String pathDeviceId, String pathModuleId) {
        JsonObject json = DeviceJson.object(body);
        requireSame(json, "deviceId", pathDeviceId);
        requireSame(json, "moduleId", pathModuleId);
        return fromJson(json);
    }

    /** The settable members of one module (also an entry of a bulk operation): authentication and {@code managedBy}. */
    static ModuleUpdate fromJson(JsonObject json) {
        return new ModuleUpdate(AuthenticationJson.read(json, "Module"),
                AuthenticationJson.blankToNull(DeviceJson.string(json, "managedBy")));
    }

    private static void requireSame(JsonObject json, String member, String inPath) {
        String inBody = DeviceJson.string(json, member);
        if (inBody != null && !inBody.equals(inPath)) {
            throw IotHubErrors.argumentInvalid("The " + member + " in the body (" + inBody
                    + ") is not the one in the path (" + inPath + ").");
        }
    }
}
