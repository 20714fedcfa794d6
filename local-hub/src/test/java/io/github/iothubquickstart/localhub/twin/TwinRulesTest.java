package io.github.iothubquickstart.localhub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwinRulesTest {

    @Test
    void mergeReplacesMergesObjectsAndDeletesOnNull() {
        JsonObject merged = TwinRules.merge(json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1]}"),
                json("{\"a\":5,\"b\":{\"c\":null,\"x\":true},\"e\":null}"));

        assertThat(merged).isEqualTo(json("{\"a\":5,\"b\":{\"d\":3,\"x\":true}}"));
    }

    @Test
    void readOnlyMembersTheSdksEchoAreDropped() {
        assertThat(TwinRules.patch(json("{\"a\":1,\"$version\":4,\"$metadata\":{}}"), "desired"))
                .isEqualTo(json("{\"a\":1}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a.b\":1}", "{\"$x\":1}", "{\"a b\":1}", "{\"\":1}", "{\"ok\":{\"bad.key\":1}}"})
    void forbiddenNamesAreRefused(String patch) {
        assertThatThrownBy(() -> TwinRules.patch(json(patch), "desired")).isInstanceOf(TwinRuleViolation.class);
    }

    @Test
    void tenLevelsAreAllowedElevenAreNot() {
        assertThat(TwinRules.patch(nested(10), "desired")).isNotNull();
        assertThatThrownBy(() -> TwinRules.patch(nested(11), "desired"))
                .isInstanceOf(TwinRuleViolation.class).hasMessageContaining("10 levels");
    }

    @Test
    void sizeCountsKeysStringsNumbersAndBooleansAsIotHubDoes() {
        // "ab" 2 + "xyz" 3 + "n" 1 + 8 + "t" 1 + 4 + "o" 1 + ("k" 1 + "v" 1)
        assertThat(TwinRules.size(json("{\"ab\":\"xyz\",\"n\":1.5,\"t\":true,\"o\":{\"k\":\"v\"}}"))).isEqualTo(22);
        assertThatThrownBy(() -> TwinRules.requireSize(json("{\"k\":\"" + "x".repeat(30) + "\"}"), "tags", 30))
                .isInstanceOf(TwinRuleViolation.class).hasMessageContaining("31 bytes");
    }

    @Test
    void patchMustBeAnObject() {
        assertThatThrownBy(() -> TwinRules.patch(JsonParser.parseString("[1]"), "desired"))
                .isInstanceOf(TwinRuleViolation.class);
    }

    private static JsonObject nested(int levels) {
        JsonObject inner = json("{\"leaf\":1}");
        for (int i = 1; i < levels; i++) {
            JsonObject outer = new JsonObject();
            outer.add("l" + i, inner);
            inner = outer;
        }
        return inner;
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
