package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of the telemetry topic's property bag (Jazzer). In a normal build the inputs under
 * {@code PropertyBagFuzzTargetInputs/} run as regression tests; {@code src/test/fuzz/run-fuzzers.sh} fuzzes it.
 */
class PropertyBagFuzzTarget {

    @FuzzTest
    void parsedBagsAreBoundedAndSurviveTheirOwnEncoding(byte[] input) {
        String encoded = new String(input, StandardCharsets.UTF_8);

        Optional<PropertyBag> parsed = PropertyBag.parse(encoded);

        if (parsed.isEmpty()) {
            return;
        }
        PropertyBag bag = parsed.get();
        assertThat(bag.systemProperties().size() + bag.applicationProperties().size()).isLessThanOrEqualTo(128);
        assertThat(bag.systemProperties().keySet()).allMatch(key -> key.startsWith("$."));
        assertThat(bag.applicationProperties().keySet()).noneMatch(key -> key.startsWith("$.") || key.isEmpty());
        assertThat(totalLength(bag)).isLessThanOrEqualTo(encoded.length());
        // What the hub writes into a cloud-to-device topic reads back as the same properties.
        assertThat(PropertyBag.parse(bag.encode())).contains(bag);
    }

    private static int totalLength(PropertyBag bag) {
        int length = 0;
        for (Map<String, String> properties : java.util.List.of(bag.systemProperties(), bag.applicationProperties())) {
            for (Map.Entry<String, String> property : properties.entrySet()) {
                length += property.getKey().length() + property.getValue().length();
            }
        }
        return length;
    }
}
