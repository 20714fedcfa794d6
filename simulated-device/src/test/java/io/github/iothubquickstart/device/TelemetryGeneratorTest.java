package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.common.Telemetry;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TelemetryGeneratorTest {

    @Test
    void staysWithinTheQuickstartRanges() {
        TelemetryGenerator generator = new TelemetryGenerator(new Random(7));

        for (int i = 0; i < 1_000; i++) {
            Telemetry telemetry = generator.next();
            assertThat(telemetry.temperature()).isBetween(20.0, 35.0);
            assertThat(telemetry.humidity()).isBetween(60.0, 80.0);
        }
    }

    @Test
    void mapsRandomValuesLikeTheOfficialSampleRoundedToOneDecimal() {
        Random fixed = new Random() {
            private static final long serialVersionUID = 1L;
            private final double[] values = {0.5, 0.25};
            private int next;

            @Override
            public double nextDouble() {
                return values[next++];
            }
        };

        assertThat(new TelemetryGenerator(fixed).next()).isEqualTo(new Telemetry(27.5, 65.0));
    }

    @Test
    void producesAlertsSometimes() {
        TelemetryGenerator generator = new TelemetryGenerator(new Random(3));
        long alerts = 0;
        for (int i = 0; i < 200; i++) {
            if (generator.next().temperatureAlert()) {
                alerts++;
            }
        }
        assertThat(alerts).isBetween(1L, 199L);
    }
}
