package io.github.iothubquickstart.common;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * The payload of {@code SetTelemetryInterval}: a JSON number of seconds such as {@code 10}.
 *
 * <p>Also accepted: a numeric JSON string ({@code "10"}) and a number with a zero fraction ({@code 10.0}).
 * Rejected: fractions ({@code 2.5}: the interval is whole seconds), values outside 1..3600, objects,
 * arrays, booleans, null and anything that is not JSON.
 *
 * @param seconds the requested interval, always within {@link SetTelemetryInterval#MIN_SECONDS}..{@link SetTelemetryInterval#MAX_SECONDS}
 */
public record SetTelemetryIntervalRequest(int seconds) {

    public SetTelemetryIntervalRequest {
        if (!SetTelemetryInterval.inRange(seconds)) {
            throw new IllegalArgumentException("interval out of range: " + seconds);
        }
    }

    /** Parses the raw JSON payload the device received. */
    public static SetTelemetryIntervalRequest parse(String payloadJson) throws InvalidPayloadException {
        if (payloadJson == null || payloadJson.isBlank()) {
            throw new InvalidPayloadException(expected() + ", got an empty payload");
        }
        JsonElement element;
        try {
            element = JsonParser.parseString(payloadJson);
        } catch (JsonParseException e) {
            throw new InvalidPayloadException(expected() + ", got text that is not JSON: " + abbreviate(payloadJson));
        }
        return fromJson(element);
    }

    public static SetTelemetryIntervalRequest fromJson(JsonElement element) throws InvalidPayloadException {
        if (element == null || !element.isJsonPrimitive()) {
            throw new InvalidPayloadException(expected() + ", got " + describe(element));
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            throw new InvalidPayloadException(expected() + ", got " + primitive);
        }
        BigDecimal value;
        try {
            value = new BigDecimal(primitive.getAsString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidPayloadException(expected() + ", got " + abbreviate(primitive.toString()));
        }
        if (value.stripTrailingZeros().scale() > 0) {
            throw new InvalidPayloadException("the interval must be a whole number of seconds ("
                    + SetTelemetryInterval.MIN_SECONDS + " to " + SetTelemetryInterval.MAX_SECONDS + "), got "
                    + value.toPlainString());
        }
        if (value.compareTo(BigDecimal.valueOf(SetTelemetryInterval.MIN_SECONDS)) < 0
                || value.compareTo(BigDecimal.valueOf(SetTelemetryInterval.MAX_SECONDS)) > 0) {
            throw new InvalidPayloadException("the interval must be from " + SetTelemetryInterval.rangeDescription()
                    + ", got " + value.toPlainString());
        }
        return new SetTelemetryIntervalRequest(value.intValueExact());
    }

    private static String expected() {
        return "the payload must be a number of seconds from " + SetTelemetryInterval.rangeDescription()
                + " (e.g. 10)";
    }

    private static String describe(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return "null";
        }
        if (element.isJsonObject()) {
            return "a JSON object " + abbreviate(element.toString());
        }
        if (element.isJsonArray()) {
            return "a JSON array " + abbreviate(element.toString());
        }
        return abbreviate(element.toString());
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 57) + "...";
    }
}
