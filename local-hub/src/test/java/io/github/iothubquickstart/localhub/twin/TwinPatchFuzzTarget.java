package io.github.iothubquickstart.localhub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of twin patches as devices send them (MQTT {@code PATCH/properties/reported}, AMQP
 * twin link) and services (desired properties, tags): the patch is refused as not JSON or by IoT Hub's twin rules
 * ({@link TwinRuleViolation}), or checked and merged; a merge is idempotent and leaves no null behind once nulls
 * are dropped. Inputs under {@code TwinPatchFuzzTargetInputs/} run as regression tests in every build.
 */
class TwinPatchFuzzTarget {
    private static final JsonObject REPORTED = JsonParser.parseString(
            "{\"firmware\":{\"version\":\"1.0\",\"status\":\"current\"},\"temperature\":21.5,\"list\":[1,2]}")
            .getAsJsonObject();

    @FuzzTest
    void patchesAreRefusedOrMerged(byte[] input) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(new String(input, StandardCharsets.UTF_8));
        } catch (JsonParseException notJson) {
            return; // answered 400 "not valid JSON"
        }

        JsonObject patch;
        try {
            patch = TwinRules.patch(parsed, "properties.reported");
        } catch (TwinRuleViolation refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(patch.has("$version")).isFalse();
        assertThat(patch.has("$metadata")).isFalse();
        assertThat(depth(patch)).isLessThanOrEqualTo(TwinRules.MAX_DEPTH + 1);

        JsonObject merged = TwinRules.merge(REPORTED, patch);
        assertThat(TwinRules.merge(merged, patch)).isEqualTo(merged);
        JsonObject stored = TwinRules.withoutNulls(merged);
        assertThat(hasNull(stored)).isFalse();
        try {
            TwinRules.requireSize(stored, "properties.reported", TwinRules.MAX_PROPERTIES_BYTES);
        } catch (TwinRuleViolation tooLarge) {
            assertThat(TwinRules.size(stored)).isGreaterThan(TwinRules.MAX_PROPERTIES_BYTES);
        }
    }

    private static int depth(JsonElement element) {
        if (!element.isJsonObject()) {
            return 0;
        }
        int deepest = 0;
        for (Map.Entry<String, JsonElement> member : element.getAsJsonObject().entrySet()) {
            deepest = Math.max(deepest, depth(member.getValue()));
        }
        return deepest + 1;
    }

    private static boolean hasNull(JsonElement element) {
        if (element.isJsonNull()) {
            return true;
        }
        if (element.isJsonObject()) {
            return element.getAsJsonObject().entrySet().stream().anyMatch(member -> hasNull(member.getValue()));
        }
        return false;
    }
}
