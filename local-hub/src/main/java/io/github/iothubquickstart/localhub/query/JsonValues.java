package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Comparison of two JSON values as IoT Hub's query language does it: only primitives of the same type compare
 * (numbers by value, so 1 = 1.0; strings by their characters; false before true; null equals null). Anything else
 * (a missing value, an object, an array, a number against a string) does not compare at all.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** Negative, zero or positive as {@code a} sorts before, with or after {@code b}; null when they do not compare. */
    static Integer compare(JsonElement a, JsonElement b) {
        if (a == null || b == null) {
            return null;
        }
        if (a.isJsonNull() && b.isJsonNull()) {
            return 0;
        }
        if (!a.isJsonPrimitive() || !b.isJsonPrimitive()) {
            return null;
        }
        JsonPrimitive x = a.getAsJsonPrimitive();
        JsonPrimitive y = b.getAsJsonPrimitive();
        if (x.isNumber() && y.isNumber()) {
            BigDecimal first = decimal(x);
            BigDecimal second = decimal(y);
            return first == null || second == null ? null : first.compareTo(second);
        }
        if (x.isString() && y.isString()) {
            return x.getAsString().compareTo(y.getAsString());
        }
        if (x.isBoolean() && y.isBoolean()) {
            return Boolean.compare(x.getAsBoolean(), y.getAsBoolean());
        }
        return null;
    }

    /** A key equal for equal values (1 and 1.0 alike), for grouping; null for an undefined value. */
    static String groupKey(JsonElement value) {
        if (value == null) {
            return null;
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            BigDecimal number = decimal(value.getAsJsonPrimitive());
            // Scientific notation: toPlainString() of a twin's 1e100000000 would be a string of 100 million digits.
            return number == null ? "j:" + value : "n:" + number.stripTrailingZeros();
        }
        return "j:" + value;
    }

    /** The number's value; null for one whose exponent is beyond BigDecimal's (JSON allows it; it compares with nothing). */
    private static BigDecimal decimal(JsonPrimitive number) {
        try {
            return number.getAsBigDecimal();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
