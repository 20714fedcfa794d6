package io.github.iothubquickstart.benchmarks;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** A duration option: "90s", "30m", "2h", plain seconds, or ISO-8601 ("PT30M"). */
final class DurationOption implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("pt")) {
            return Duration.parse(trimmed);
        }
        char unit = trimmed.charAt(trimmed.length() - 1);
        String number = Character.isDigit(unit) ? trimmed : trimmed.substring(0, trimmed.length() - 1);
        long amount = Long.parseLong(number);
        return switch (unit) {
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 's' -> Duration.ofSeconds(amount);
            default -> {
                if (!Character.isDigit(unit)) {
                    throw new IllegalArgumentException("a duration is 90s, 30m or 2h, not " + value);
                }
                yield Duration.ofSeconds(amount);
            }
        };
    }
}
