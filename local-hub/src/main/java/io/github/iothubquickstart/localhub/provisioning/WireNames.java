package io.github.iothubquickstart.localhub.provisioning;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** DPS spells its enumerations in camel case ({@code initialAssignment}); these look one up, case-insensitively. */
final class WireNames {
    private WireNames() {
    }

    static <E extends Enum<E>> E find(E[] values, Function<E, String> wireName, String name, String what) {
        for (E value : values) {
            if (wireName.apply(value).equalsIgnoreCase(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException(what + " '" + name + "' is not one of "
                + Arrays.stream(values).map(wireName).collect(Collectors.joining(", ")));
    }
}
