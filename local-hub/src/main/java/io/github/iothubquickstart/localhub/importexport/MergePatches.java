package io.github.iothubquickstart.localhub.importexport;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.Map;

/** The JSON merge patch (RFC 7396) that turns one object into another: what to send to replace a twin section. */
final class MergePatches {
    private MergePatches() {
    }

    /** Every member that changed, null for each one {@code after} lacks, nested objects patched member by member. */
    static JsonObject between(JsonObject before, JsonObject after) {
        JsonObject patch = new JsonObject();
        for (Map.Entry<String, JsonElement> old : before.entrySet()) {
            if (!after.has(old.getKey())) {
                patch.add(old.getKey(), JsonNull.INSTANCE);
            }
        }
        for (Map.Entry<String, JsonElement> wanted : after.entrySet()) {
            JsonElement old = before.get(wanted.getKey());
            JsonElement value = wanted.getValue();
            if (value.equals(old)) {
                continue;
            }
            if (old != null && old.isJsonObject() && value.isJsonObject()) {
                patch.add(wanted.getKey(), between(old.getAsJsonObject(), value.getAsJsonObject()));
            } else {
                patch.add(wanted.getKey(), value.deepCopy());
            }
        }
        return patch;
    }
}
