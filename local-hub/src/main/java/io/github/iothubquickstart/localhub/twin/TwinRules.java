package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * IoT Hub's rules for twin documents (developer guide, "device twins"): key names, nesting depth, string length,
 * and the size of each section (8 KB of tags, 32 KB each of desired and reported properties), plus JSON merge-patch.
 */
public final class TwinRules {
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024;
    /** Levels of nested objects below a section, e.g. {@code desired.a.b} is 2. */
    public static final int MAX_DEPTH = 10;
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_STRING_BYTES = 4 * 1024;
    private static final int NUMBER_BYTES = 8;
    private static final int BOOLEAN_BYTES = 4;

    private TwinRules() {
    }

    /**
     * The patch as an object, checked against the key, depth and string rules. The read-only {@code $version} and
     * {@code $metadata} that SDKs echo back from a twin they read are dropped, as IoT Hub does.
     */
    public static JsonObject patch(JsonElement patch, String section) {
        if (patch == null || !patch.isJsonObject()) {
            throw new TwinRuleViolation(section + " must be a JSON object.");
        }
        JsonObject copy = patch.getAsJsonObject().deepCopy();
        copy.remove("$version");
        copy.remove("$metadata");
        checkObject(copy, section, 1);
        return copy;
    }

    /** JSON merge-patch: members of {@code patch} replace those of {@code target}; null deletes; objects merge. */
    public static JsonObject merge(JsonObject target, JsonObject patch) {
        JsonObject result = target.deepCopy();
        for (Map.Entry<String, JsonElement> member : patch.entrySet()) {
            JsonElement value = member.getValue();
            if (value.isJsonNull()) {
                result.remove(member.getKey());
            } else if (value.isJsonObject()) {
                JsonElement existing = result.get(member.getKey());
                JsonObject base = existing != null && existing.isJsonObject() ? existing.getAsJsonObject() : new JsonObject();
                result.add(member.getKey(), merge(base, value.getAsJsonObject()));
            } else {
                result.add(member.getKey(), value.deepCopy());
            }
        }
        return result;
    }

    /** Drops members whose value is null, at every level: in a replaced document null means "absent". */
    public static JsonObject withoutNulls(JsonObject document) {
        return merge(new JsonObject(), document);
    }

    public static void requireSize(JsonObject document, String section, int maxBytes) {
        long size = size(document);
        if (size > maxBytes) {
            throw new TwinRuleViolation(section + " would be " + size + " bytes, above IoT Hub's limit of "
                    + maxBytes + " bytes.");
        }
    }

    /** IoT Hub's twin size: keys and string values as UTF-8, numbers 8 bytes, booleans 4, objects their members. */
    static long size(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return 0;
        }
        if (element.isJsonObject()) {
            long total = 0;
            for (Map.Entry<String, JsonElement> member : element.getAsJsonObject().entrySet()) {
                total += utf8Length(member.getKey()) + size(member.getValue());
            }
            return total;
        }
        if (element.isJsonArray()) {
            long total = 0;
            for (JsonElement item : element.getAsJsonArray()) {
                total += size(item);
            }
            return total;
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return BOOLEAN_BYTES;
        }
        if (primitive.isNumber()) {
            return NUMBER_BYTES;
        }
        return utf8Length(primitive.getAsString());
    }

    private static void checkObject(JsonObject object, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TwinRuleViolation(path + " is nested deeper than IoT Hub's limit of " + MAX_DEPTH + " levels.");
        }
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
            String key = member.getKey();
            checkKey(key, path);
            checkValue(member.getValue(), path + "." + key, depth);
        }
    }

    private static void checkValue(JsonElement value, String path, int depth) {
        if (value.isJsonObject()) {
            checkObject(value.getAsJsonObject(), path, depth + 1);
        } else if (value.isJsonArray()) {
            JsonArray array = value.getAsJsonArray();
            for (JsonElement item : array) {
                if (item.isJsonNull()) {
                    throw new TwinRuleViolation(path + " holds a null in an array, which IoT Hub does not allow.");
                }
                checkValue(item, path + "[]", depth);
            }
        } else if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                && utf8Length(value.getAsString()) > MAX_STRING_BYTES) {
            throw new TwinRuleViolation(path + " is a string longer than IoT Hub's limit of " + MAX_STRING_BYTES
                    + " bytes.");
        }
    }

    private static void checkKey(String key, String path) {
        if (key.isEmpty() || utf8Length(key) > MAX_KEY_BYTES) {
            throw new TwinRuleViolation(path + " has a property name that is empty or longer than "
                    + MAX_KEY_BYTES + " bytes.");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || Character.isISOControl(c)) {
                throw new TwinRuleViolation(path + " has the property name \"" + printable(key)
                        + "\": IoT Hub forbids '.', '$', spaces and control characters in names.");
            }
        }
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String printable(String text) {
        String shortened = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return shortened.replaceAll("\\p{Cntrl}", "?");
    }
}
