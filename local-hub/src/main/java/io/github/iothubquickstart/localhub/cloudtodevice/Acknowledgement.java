package io.github.iothubquickstart.localhub.cloudtodevice;

import java.util.Locale;
import java.util.Optional;

/**
 * Which outcomes of a cloud-to-device message the sender wants feedback on: IoT Hub's {@code iothub-ack} property.
 * The Java service SDK writes {@code positiveonly} and {@code negativeonly}; IoT Hub's own names are
 * {@code positive} and {@code negative}; both are taken.
 */
public enum Acknowledgement {
    NONE("none"), POSITIVE("positive"), NEGATIVE("negative"), FULL("full");

    /** IoT Hub's application property that carries it. */
    public static final String PROPERTY = "iothub-ack";

    private final String wireName;

    Acknowledgement(String wireName) {
        this.wireName = wireName;
    }

    /** The value as IoT Hub writes it to devices. */
    public String wireName() {
        return wireName;
    }

    /** Empty for anything IoT Hub does not know; no value at all means {@link #NONE}. */
    public static Optional<Acknowledgement> parse(String value) {
        if (value == null) {
            return Optional.of(NONE);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> Optional.of(NONE);
            case "positive", "positiveonly" -> Optional.of(POSITIVE);
            case "negative", "negativeonly" -> Optional.of(NEGATIVE);
            case "full" -> Optional.of(FULL);
            default -> Optional.empty();
        };
    }

    /** Whether the sender asked for feedback with this status. */
    public boolean wants(FeedbackStatus status) {
        return switch (this) {
            case NONE -> false;
            case FULL -> true;
            case POSITIVE -> status == FeedbackStatus.SUCCESS;
            case NEGATIVE -> status != FeedbackStatus.SUCCESS;
        };
    }
}
