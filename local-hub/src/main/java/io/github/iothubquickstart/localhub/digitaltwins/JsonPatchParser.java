package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the body of {@code PATCH /digitaltwins/{id}}: a JSON array of JSON Patch operations, each
 * {@code {"op": "add"|"replace"|"remove", "path": "/a/b", "value": ...}}. What a digital twin cannot take (move,
 * copy, test, a path that is not a JSON Pointer, the whole document) is refused with 400 and what was wrong.
 */
public final class JsonPatchParser {
    /** IoT Hub caps a patch's size by the request body; this bounds the work of a body of tiny operations. */
    public static final int MAX_OPERATIONS = 1000;

    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

    private JsonPatchParser() {
    }

    public static List<PatchOperation> parse(String body) throws IotHubError {
        if (body == null || body.isBlank()) {
            throw IotHubErrors.formatError("The request body is empty; send a JSON Patch array like"
                    + " [{\"op\": \"replace\", \"path\": \"/targetTemperature\", \"value\": 21}].");
        }
        JsonElement document;
        try {
            // Strict JSON, one value: Gson's JsonParser would take unquoted names and trailing text.
            JsonReader reader = new JsonReader(new StringReader(body));
            reader.setStrictness(Strictness.STRICT);
            document = ELEMENTS.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("text after the JSON value");
            }
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw IotHubErrors.formatError("The request body is not JSON: send a JSON Patch array.");
        }
        if (!document.isJsonArray()) {
            throw IotHubErrors.formatError("The request body must be a JSON Patch array of operations.");
        }
        JsonArray operations = document.getAsJsonArray();
        if (operations.isEmpty()) {
            throw IotHubErrors.argumentInvalid("The JSON Patch has no operations.");
        }
        if (operations.size() > MAX_OPERATIONS) {
            throw IotHubErrors.argumentInvalid("The JSON Patch has " + operations.size() + " operations; at most "
                    + MAX_OPERATIONS + " are accepted.");
        }
        List<PatchOperation> parsed = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            parsed.add(operation(operations.get(i), i));
        }
        return parsed;
    }

    private static PatchOperation operation(JsonElement element, int index) {
        String where = "operation " + index + " of the JSON Patch";
        if (!element.isJsonObject()) {
            throw IotHubErrors.argumentInvalid(where + " is not an object with op and path.");
        }
        JsonObject operation = element.getAsJsonObject();
        PatchOperation.Op op = op(string(operation.get("op"), where + " needs an op (add, replace or remove)"), where);
        String pointer = string(operation.get("path"), where + " needs a path, a JSON Pointer like /targetTemperature");
        List<String> path = segments(pointer, where);
        JsonElement value = operation.get("value");
        if (op != PatchOperation.Op.REMOVE && value == null) {
            throw IotHubErrors.argumentInvalid(where + " (" + op.name().toLowerCase(Locale.ROOT) + " "
                    + printable(pointer) + ") needs a value.");
        }
        return new PatchOperation(op, path, pointer, op == PatchOperation.Op.REMOVE ? null : value);
    }

    private static PatchOperation.Op op(String name, String where) {
        return switch (name) {
            case "add" -> PatchOperation.Op.ADD;
            case "replace" -> PatchOperation.Op.REPLACE;
            case "remove" -> PatchOperation.Op.REMOVE;
            default -> throw IotHubErrors.argumentInvalid(where + " has op '" + printable(name)
                    + "': a digital twin takes add, replace and remove.");
        };
    }

    /** The JSON Pointer's reference tokens, {@code ~1} and {@code ~0} unescaped; the whole document is refused. */
    static List<String> segments(String pointer, String where) {
        if (pointer.isEmpty() || pointer.equals("/")) {
            throw IotHubErrors.argumentInvalid(where + " has path '" + printable(pointer)
                    + "', the whole digital twin: name a property, like /targetTemperature.");
        }
        if (pointer.charAt(0) != '/') {
            throw IotHubErrors.argumentInvalid(where + " has path '" + printable(pointer)
                    + "', not a JSON Pointer: it must start with /.");
        }
        List<String> segments = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            StringBuilder segment = new StringBuilder();
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '~') {
                    segment.append(c);
                    continue;
                }
                char next = i + 1 < raw.length() ? raw.charAt(i + 1) : ' ';
                if (next != '0' && next != '1') {
                    throw IotHubErrors.argumentInvalid(where + " has path '" + printable(pointer)
                            + "': ~ must be followed by 0 or 1 in a JSON Pointer.");
                }
                segment.append(next == '0' ? '~' : '/');
                i++;
            }
            segments.add(segment.toString());
        }
        return segments;
    }

    private static String string(JsonElement value, String missing) {
        if (value == null || !value.isJsonPrimitive() || !((JsonPrimitive) value).isString()) {
            throw IotHubErrors.argumentInvalid(missing + ".");
        }
        return value.getAsString();
    }

    static String printable(String text) {
        String shortened = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
