package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.Telemetry;
import java.util.Random;

/** Makes up plausible readings, like the official quickstart: 20..35 °C and 60..80 % humidity. */
public final class TelemetryGenerator {

    private static final double MIN_TEMPERATURE = 20;
    private static final double TEMPERATURE_SPAN = 15;
    private static final double MIN_HUMIDITY = 60;
    private static final double HUMIDITY_SPAN = 20;

    private final Random random;

    public TelemetryGenerator(Random random) {
        this.random = random;
    }

    public Telemetry next() {
        double temperature = MIN_TEMPERATURE + random.nextDouble() * TEMPERATURE_SPAN;
        double humidity = MIN_HUMIDITY + random.nextDouble() * HUMIDITY_SPAN;
        return new Telemetry(oneDecimal(temperature), oneDecimal(humidity));
    }

    // One decimal is what a real sensor reports and keeps the printed lines readable.
    private static double oneDecimal(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
