package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * How IoT Plug and Play lays a model out in a twin's properties: a component is an object property marked
 * {@code "__t": "c"}; a device acknowledges a writable property by reporting {@code {"value", "ac", "av", "ad"}}
 * (value, status code, the desired version it answers, a description).
 */
final class PnpConvention {
    static final String COMPONENT_MARKER = "__t";
    static final String COMPONENT = "c";
    static final String ACK_VALUE = "value";
    static final String ACK_CODE = "ac";
    static final String ACK_VERSION = "av";
    static final String ACK_DESCRIPTION = "ad";

    private PnpConvention() {
    }

    static boolean isComponent(JsonElement value) {
        if (value == null || !value.isJsonObject()) {
            return false;
        }
        JsonElement marker = value.getAsJsonObject().get(COMPONENT_MARKER);
        return marker != null && marker.isJsonPrimitive() && COMPONENT.equals(marker.getAsString());
    }

    /** A reported writable-property acknowledgement: an object with the value and the status code. */
    static boolean isAcknowledgement(JsonElement value) {
        return value != null && value.isJsonObject() && value.getAsJsonObject().has(ACK_VALUE)
                && value.getAsJsonObject().has(ACK_CODE);
    }

    /** A component's properties without its marker. */
    static JsonObject componentProperties(JsonElement component) {
        JsonObject properties = component.getAsJsonObject().deepCopy();
        properties.remove(COMPONENT_MARKER);
        return properties;
    }
}
