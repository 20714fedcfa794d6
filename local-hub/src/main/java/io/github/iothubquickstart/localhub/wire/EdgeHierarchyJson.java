package io.github.iothubquickstart.localhub.wire;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;

/** A device's IoT Edge members as IoT Hub writes them in both the device identity and its twin. */
public final class EdgeHierarchyJson {
    private EdgeHierarchyJson() {
    }

    /** {@code capabilities.iotEdge}, {@code deviceScope} (when the device has one) and {@code parentScopes}. */
    public static void addTo(JsonObject json, EdgeHierarchy edge) {
        JsonObject capabilities = new JsonObject();
        capabilities.addProperty("iotEdge", edge.iotEdge());
        json.add("capabilities", capabilities);
        if (edge.deviceScope() != null) {
            json.addProperty("deviceScope", edge.deviceScope());
        }
        JsonArray parentScopes = new JsonArray();
        edge.parentScopes().forEach(parentScopes::add);
        json.add("parentScopes", parentScopes);
    }
}
