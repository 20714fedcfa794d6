package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;

/** A WHERE condition, tested against one twin. */
sealed interface Condition {

    Logic test(JsonObject twin);

    record And(Condition left, Condition right) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            return left.test(twin).and(right.test(twin));
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            return left.test(twin).or(right.test(twin));
        }
    }

    record Not(Condition condition) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            return condition.test(twin).not();
        }
    }

    /** {@code left op right} with op one of = != <> < <= > >=. */
    record Comparison(Operand left, String operator, Operand right) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            Integer order = JsonValues.compare(left.value(twin), right.value(twin));
            if (order == null) {
                return Logic.UNDEFINED;
            }
            return Logic.of(switch (operator) {
                case "=" -> order == 0;
                case "!=", "<>" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new IllegalStateException("operator " + operator);
            });
        }
    }

    /** {@code value IN [a, b]}: the same as {@code value = a OR value = b}. */
    record In(Operand operand, List<JsonElement> values) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            JsonElement value = operand.value(twin);
            if (value == null) {
                return Logic.UNDEFINED;
            }
            Logic result = Logic.FALSE;
            for (JsonElement candidate : values) {
                Integer order = JsonValues.compare(value, candidate);
                result = result.or(order == null ? Logic.UNDEFINED : Logic.of(order == 0));
            }
            return result;
        }
    }

    /** {@code IS_DEFINED(path)}: the property exists, even with the value null. */
    record IsDefined(PropertyPath path) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            return Logic.of(path.value(twin) != null);
        }
    }

    /** A value used as a condition on its own: true only for the boolean true. */
    record Truth(Operand operand) implements Condition {
        @Override
        public Logic test(JsonObject twin) {
            JsonElement value = operand.value(twin);
            if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
                return Logic.UNDEFINED;
            }
            return Logic.of(value.getAsBoolean());
        }
    }
}
