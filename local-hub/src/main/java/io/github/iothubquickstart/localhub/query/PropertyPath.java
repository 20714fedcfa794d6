package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A dotted name into the twin ({@code tags.location.region}). The first name also matches a twin field spelled in
 * another case, as IoT Hub's own example {@code SELECT DeviceId, LastActivityTime} shows; deeper names (tags and
 * properties, which are case-sensitive in twins) match exactly.
 */
record PropertyPath(List<String> names) implements Operand {

    PropertyPath {
        names = List.copyOf(names);
    }

    @Override
    public JsonElement value(JsonObject twin) {
        Map.Entry<String, JsonElement> top = topLevel(twin);
        if (top == null) {
            return null;
        }
        JsonElement current = top.getValue();
        for (String name : names.subList(1, names.size())) {
            if (!current.isJsonObject() || !current.getAsJsonObject().has(name)) {
                return null;
            }
            current = current.getAsJsonObject().get(name);
        }
        return current;
    }

    /** The name a projection gives this value: the last name, spelled as in the twin for a top-level field. */
    String outputName(JsonObject twin) {
        if (names.size() == 1) {
            Map.Entry<String, JsonElement> top = topLevel(twin);
            if (top != null) {
                return top.getKey();
            }
        }
        return names.get(names.size() - 1);
    }

    /** The name a projection gives this value when no twin is at hand (for clash checks). */
    String outputName() {
        return names.get(names.size() - 1);
    }

    boolean sameAs(PropertyPath other) {
        return names.size() == other.names.size() && names.get(0).equalsIgnoreCase(other.names.get(0))
                && names.subList(1, names.size()).equals(other.names.subList(1, other.names.size()));
    }

    String text() {
        return String.join(".", names);
    }

    private Map.Entry<String, JsonElement> topLevel(JsonObject twin) {
        String first = names.get(0);
        if (twin.has(first)) {
            return Map.entry(first, twin.get(first));
        }
        Map.Entry<String, JsonElement> found = null;
        for (Map.Entry<String, JsonElement> field : twin.entrySet()) {
            if (field.getKey().equalsIgnoreCase(first)) {
                if (found != null) {
                    return null; // two spellings: neither is the one meant
                }
                found = field;
            }
        }
        return found;
    }
}
