package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.RequestedAuthentication;

/**
 * The {@code authentication} member of IoT Hub's device and module JSON, both ways. IoT Hub writes every member,
 * null where the type has none: {@code {"symmetricKey":{"primaryKey":..,"secondaryKey":..},
 * "x509Thumbprint":{"primaryThumbprint":..,"secondaryThumbprint":..},"type":"sas"|"selfSigned"|"certificateAuthority"}}.
 */
final class AuthenticationJson {

    private AuthenticationJson() {
    }

    static void addTo(JsonObject json, Authentication authentication) {
        JsonObject keys = new JsonObject();
        keys.addProperty("primaryKey", authentication.primaryKey());
        keys.addProperty("secondaryKey", authentication.secondaryKey());
        JsonObject thumbprints = new JsonObject();
        thumbprints.addProperty("primaryThumbprint", authentication.primaryThumbprint());
        thumbprints.addProperty("secondaryThumbprint", authentication.secondaryThumbprint());
        JsonObject member = new JsonObject();
        member.add("symmetricKey", keys);
        member.add("x509Thumbprint", thumbprints);
        member.addProperty("type", authentication.type().wireName());
        json.add("authentication", member);
    }

    /**
     * What a request asks for. Without a type, thumbprints mean {@code selfSigned} and anything else {@code sas}
     * (the Node SDK sends thumbprints without a type).
     *
     * @param identityKind "Device" or "Module", for the messages refusing a type
     */
    static RequestedAuthentication read(JsonObject json, String identityKind) {
        JsonObject authentication = DeviceJson.objectMember(json, "authentication");
        if (authentication == null) {
            return RequestedAuthentication.GENERATED_KEYS;
        }
        JsonObject keys = DeviceJson.objectMember(authentication, "symmetricKey");
        String primaryKey = keys == null ? null : blankToNull(DeviceJson.string(keys, "primaryKey"));
        String secondaryKey = keys == null ? null : blankToNull(DeviceJson.string(keys, "secondaryKey"));
        JsonObject thumbprints = DeviceJson.objectMember(authentication, "x509Thumbprint");
        String primaryThumbprint = thumbprints == null ? null
                : blankToNull(DeviceJson.string(thumbprints, "primaryThumbprint"));
        String secondaryThumbprint = thumbprints == null ? null
                : blankToNull(DeviceJson.string(thumbprints, "secondaryThumbprint"));
        String typeName = DeviceJson.string(authentication, "type");
        AuthenticationType type;
        if (typeName == null) {
            type = primaryThumbprint != null || secondaryThumbprint != null
                    ? AuthenticationType.SELF_SIGNED : AuthenticationType.SAS;
        } else if (typeName.equalsIgnoreCase("none")) {
            throw IotHubErrors.notImplemented(identityKind + " authentication type none");
        } else {
            type = AuthenticationType.fromWireName(typeName).orElseThrow(() -> IotHubErrors.argumentInvalid(
                    identityKind + " authentication type must be sas, selfSigned or certificateAuthority, not \""
                            + typeName + "\"."));
        }
        if (type == AuthenticationType.SAS && (primaryKey == null) != (secondaryKey == null)) {
            throw IotHubErrors.argumentInvalid("Give both symmetric keys, or neither to have them generated.");
        }
        return new RequestedAuthentication(type, primaryKey, secondaryKey, primaryThumbprint, secondaryThumbprint);
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
