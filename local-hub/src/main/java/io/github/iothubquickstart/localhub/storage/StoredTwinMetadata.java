package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.twin.PropertyMetadata;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the {@code twin} table keeps a section's property metadata: a JSON object with, per property,
 * {@code {"updated": <epoch millis>, "version": <n>, "members": {...}}} ({@code members} only for objects).
 * The storage's own form, not IoT Hub's {@code $metadata}: that one is written by the transports.
 */
final class StoredTwinMetadata {
    private static final String UPDATED = "updated";
    private static final String VERSION = "version";
    private static final String MEMBERS = "members";

    private StoredTwinMetadata() {
    }

    static String toJson(SectionMetadata metadata) {
        return members(metadata.properties()).toString();
    }

    /** @throws IllegalArgumentException if the text is not metadata in this form */
    static SectionMetadata fromJson(String json) {
        try {
            return new SectionMetadata(members(JsonParser.parseString(json).getAsJsonObject()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not twin metadata: " + e.getMessage(), e);
        }
    }

    private static JsonObject members(Map<String, PropertyMetadata> members) {
        JsonObject json = new JsonObject();
        members.forEach((name, property) -> {
            JsonObject entry = new JsonObject();
            entry.addProperty(UPDATED, property.lastUpdated().toEpochMilli());
            entry.addProperty(VERSION, property.lastUpdatedVersion());
            if (!property.members().isEmpty()) {
                entry.add(MEMBERS, members(property.members()));
            }
            json.add(name, entry);
        });
        return json;
    }

    private static Map<String, PropertyMetadata> members(JsonObject json) {
        Map<String, PropertyMetadata> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> member : json.entrySet()) {
            JsonObject entry = member.getValue().getAsJsonObject();
            JsonElement nested = entry.get(MEMBERS);
            members.put(member.getKey(), new PropertyMetadata(Instant.ofEpochMilli(entry.get(UPDATED).getAsLong()),
                    entry.get(VERSION).getAsLong(), nested == null ? Map.of() : members(nested.getAsJsonObject())));
        }
        return members;
    }
}
