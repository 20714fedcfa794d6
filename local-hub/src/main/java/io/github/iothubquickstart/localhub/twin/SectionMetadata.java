package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata of every property of one twin section (desired or reported), kept as IoT Hub keeps it: a property
 * written by a change gets the change's time and section version, on every level of nested objects down to the
 * members the change wrote; what the change did not touch keeps its metadata; a deleted property loses it.
 */
public record SectionMetadata(Map<String, PropertyMetadata> properties) {
    private static final SectionMetadata EMPTY = new SectionMetadata(Map.of());

    public SectionMetadata {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public static SectionMetadata empty() {
        return EMPTY;
    }

    /** Every property of {@code section} written at once: a replaced section, or one kept without metadata. */
    public static SectionMetadata allWritten(JsonObject section, Instant at, long version) {
        return EMPTY.written(section, section, at, version);
    }

    /**
     * The metadata after {@code written} (a merge patch, or a whole replacing section) made the section
     * {@code result}, at {@code version}.
     */
    SectionMetadata written(JsonObject written, JsonObject result, Instant at, long version) {
        return new SectionMetadata(members(properties, written, result, at, version));
    }

    private static Map<String, PropertyMetadata> members(Map<String, PropertyMetadata> before, JsonObject written,
                                                         JsonObject result, Instant at, long version) {
        Map<String, PropertyMetadata> after = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> member : result.entrySet()) {
            String name = member.getKey();
            JsonElement value = member.getValue();
            JsonElement write = written.get(name);
            PropertyMetadata previous = before.get(name);
            if (write == null && previous != null) {
                after.put(name, previous);
            } else if (write != null && write.isJsonObject() && value.isJsonObject() && previous != null) {
                // An object merged into an object: it changed now, its members only where the patch wrote them.
                after.put(name, new PropertyMetadata(at, version, members(previous.members(), write.getAsJsonObject(),
                        value.getAsJsonObject(), at, version)));
            } else {
                after.put(name, allWritten(value, at, version));
            }
        }
        return after;
    }

    private static PropertyMetadata allWritten(JsonElement value, Instant at, long version) {
        Map<String, PropertyMetadata> members = new LinkedHashMap<>();
        if (value.isJsonObject()) {
            for (Map.Entry<String, JsonElement> member : value.getAsJsonObject().entrySet()) {
                members.put(member.getKey(), allWritten(member.getValue(), at, version));
            }
        }
        return new PropertyMetadata(at, version, members);
    }
}
