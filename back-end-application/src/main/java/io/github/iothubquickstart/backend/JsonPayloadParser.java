package io.github.iothubquickstart.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code --payload} as strict JSON (RFC 8259). Gson's default parser is lenient and would turn
 * {@code hello} into the string "hello"; here it is an error, so typos don't reach the device.
 */
public final class JsonPayloadParser {

    private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

    /** @throws IllegalArgumentException one line saying why the text is not JSON */
    public JsonElement parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--payload is empty: give a JSON value such as 10 or {\"a\":1}");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader); // keeps STRICT once set
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException(notJson(text, "unexpected text after the JSON value"));
            }
            return element;
        } catch (JsonParseException | IOException e) {
            throw new IllegalArgumentException(notJson(text, reason(e)));
        }
    }

    private static String notJson(String text, String reason) {
        String shown = text.length() <= 40 ? text : text.substring(0, 37) + "...";
        return "--payload is not valid JSON (" + reason + "): " + shown
                + " (strings need quotes, e.g. '\"on\"'; numbers and objects as is, e.g. 10 or '{\"a\":1}')";
    }

    private static String reason(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        // Gson's messages suggest lenient parsing and link to a troubleshooting page; only the position helps here.
        Matcher position = POSITION.matcher(message);
        if (message.contains("End of input")) {
            return "it ends too early";
        }
        return position.find() ? "error at line " + position.group(1) + " column " + position.group(2) : "malformed";
    }
}
