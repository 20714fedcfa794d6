package io.github.iothubquickstart.localhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.iothubquickstart.localhub.mqtt.PropertyBag;
import io.github.iothubquickstart.localhub.testing.PrintableAscii;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the fault-injection request a device puts in its telemetry's application
 * properties ({@code AzIoTHub_FaultOperationType}, ...), given as a topic property bag. Inputs under
 * {@code FaultRequestFuzzTargetInputs/} run as regression tests in every build.
 */
class FaultRequestFuzzTarget {

    @FuzzTest
    void faultPropertiesAreBounded(byte[] input) {
        Optional<PropertyBag> bag = PropertyBag.parse(new String(input, StandardCharsets.UTF_8));
        if (bag.isEmpty()) {
            return;
        }
        Map<String, String> properties = new LinkedHashMap<>(bag.get().applicationProperties());

        Optional<FaultRequest> fault = FaultRequest.from(properties);

        assertThat(fault.isPresent()).isEqualTo(properties.containsKey("AzIoTHub_FaultOperationType")
                && FaultType.named(properties.get("AzIoTHub_FaultOperationType")).isPresent());
        fault.ifPresent(request -> {
            assertThat(request.delay()).isBetween(java.time.Duration.ZERO, FaultRequest.MAX_DELAY);
            assertThat(request.duration()).isBetween(java.time.Duration.ZERO, FaultRequest.MAX_DELAY);
            assertThat(request.reason()).isNotBlank().hasSizeLessThanOrEqualTo(128);
            assertThat(PrintableAscii.is(request.reason())).isTrue();
        });
    }
}
