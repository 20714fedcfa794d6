package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DesiredIntervalTest {
    private final TelemetrySchedule schedule = new TelemetrySchedule(Duration.ofSeconds(1));
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final DesiredInterval desired =
            new DesiredInterval(schedule, new PrintStream(printed, true, StandardCharsets.UTF_8));
    private final List<Duration> changes = new ArrayList<>();

    {
        schedule.onIntervalChanged(changes::add);
    }

    @Test
    void validDesiredIntervalIsApplied() {
        desired.apply(Map.of("telemetryInterval", 5L), 3);

        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(changes).containsExactly(Duration.ofSeconds(5));
        assertThat(text()).contains("Desired telemetryInterval 5 (desired version 3): interval set to 5 s");
    }

    @Test
    void numericStringIsAcceptedAsByTheMethod() {
        desired.apply(Map.of("telemetryInterval", "12"), 4);

        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(12));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 3601, 2.5, -1})
    void invalidDesiredIntervalIsIgnoredWithTheReason(double value) {
        desired.apply(Map.of("telemetryInterval", value), 7);

        assertThat(schedule.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changes).isEmpty();
        assertThat(text()).contains("Ignored desired telemetryInterval").contains("(desired version 7)");
    }

    @Test
    void objectValueAndRemovalChangeNothing() {
        desired.apply(Map.of("telemetryInterval", Map.of("seconds", 5)), 8);
        Map<String, Object> removed = new HashMap<>();
        removed.put("telemetryInterval", null);
        desired.apply(removed, 9);
        desired.apply(Map.of("other", 1), 10);

        assertThat(changes).isEmpty();
        assertThat(text()).contains("Ignored desired telemetryInterval {\"seconds\":5}")
                .contains("was removed (desired version 9): keeping the current interval of 1 s");
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
