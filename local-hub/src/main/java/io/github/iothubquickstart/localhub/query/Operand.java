package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** A value in a condition: a property of the twin or a constant. */
sealed interface Operand permits PropertyPath, Operand.Constant {

    /** The value in this twin, or null when it is undefined (a missing property). */
    JsonElement value(JsonObject twin);

    /** A literal: a string, number, true, false or null; a null {@code value} is the constant {@code undefined}. */
    record Constant(JsonElement value) implements Operand {
        @Override
        public JsonElement value(JsonObject twin) {
            return value;
        }
    }
}
