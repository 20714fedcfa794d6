package io.github.iothubquickstart.localhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"MyJavaDevice", "a", "dev-1.2", "-.+%_#*?!(),:=@$'", "ABCxyz0189"})
    void acceptsLettersDigitsAndTheDocumentedSpecialCharacters(String id) {
        assertThat(DeviceIds.isValid(id)).isTrue();
        DeviceIds.requireValid(id);
    }

    @Test
    void acceptsUpTo128Characters() {
        assertThat(DeviceIds.isValid("d".repeat(128))).isTrue();
        assertThat(DeviceIds.isValid("d".repeat(129))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "with space", "slash/id", "back\\slash", "semi;colon", "amp&ersand", "tab\t",
        "ümlaut", "quote\"", "brace{", "tilde~", "caret^", "pipe|", "less<", "new\nline"})
    void refusesOtherCharacters(String id) {
        assertThat(DeviceIds.isValid(id)).isFalse();
        assertThatThrownBy(() -> DeviceIds.requireValid(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid device id")
                .hasMessageContaining("1 to 128 characters");
    }

    @Test
    void refusesNull() {
        assertThat(DeviceIds.isValid(null)).isFalse();
        assertThatThrownBy(() -> DeviceIds.requireValid(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
