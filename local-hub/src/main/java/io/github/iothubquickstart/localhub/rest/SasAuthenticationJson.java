package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;

/**
 * The {@code authentication} member of IoT Hub's device and module JSON, both ways:
 * {@code {"type":"sas","symmetricKey":{"primaryKey":..,"secondaryKey":..}}}. Other types (X.509) are refused with 501.
 */
final class SasAuthenticationJson {
    /** The keys a request gives: both, or neither (null) to have them generated. */
    record Keys(String primaryKey, String secondaryKey) {
    }

    private SasAuthenticationJson() {
    }

    static void addTo(JsonObject json, String primaryKey, String secondaryKey) {
        JsonObject keys = new JsonObject();
        keys.addProperty("primaryKey", primaryKey);
        keys.addProperty("secondaryKey", secondaryKey);
        JsonObject authentication = new JsonObject();
        authentication.addProperty("type", "sas");
        authentication.add("symmetricKey", keys);
        json.add("authentication", authentication);
    }

    /** @param identityKind "Device" or "Module", for the message refusing another authentication type */
    static Keys read(JsonObject json, String identityKind) {
        JsonObject authentication = DeviceJson.objectMember(json, "authentication");
        if (authentication == null) {
            return new Keys(null, null);
        }
        String type = DeviceJson.string(authentication, "type");
        if (type != null && !type.equalsIgnoreCase("sas")) {
            throw IotHubErrors.notImplemented(identityKind + " authentication type " + type + " (only sas)");
        }
        JsonObject keys = DeviceJson.objectMember(authentication, "symmetricKey");
        if (keys == null) {
            return new Keys(null, null);
        }
        String primaryKey = blankToNull(DeviceJson.string(keys, "primaryKey"));
        String secondaryKey = blankToNull(DeviceJson.string(keys, "secondaryKey"));
        if ((primaryKey == null) != (secondaryKey == null)) {
            throw IotHubErrors.argumentInvalid("Give both symmetric keys, or neither to have them generated.");
        }
        return new Keys(primaryKey, secondaryKey);
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
