package io.github.iothubquickstart.localhub.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A fault a device asked for with the application properties of a device-to-cloud message, as the Azure SDKs'
 * error-injection tests send them.
 *
 * @param reason the close reason ({@code Boom}, {@code byebye}), put in the error description where there is one
 * @param delay    how long after the message the fault happens
 * @param duration how long a fault that refuses telemetry lasts
 */
public record FaultRequest(FaultType type, String reason, Duration delay, Duration duration) {
    public static final String TYPE = "AzIoTHub_FaultOperationType";
    public static final String CLOSE_REASON = "AzIoTHub_FaultOperationCloseReason";
    public static final String DELAY_IN_SECONDS = "AzIoTHub_FaultOperationDelayInSecs";
    public static final String DURATION_IN_SECONDS = "AzIoTHub_FaultOperationDurationInSecs";
    /** The longest delay and duration honoured: a longer one is cut to it, so that no fault outlives an hour. */
    public static final Duration MAX_DELAY = Duration.ofHours(1);
    private static final int MAX_REASON_LENGTH = 128;

    public FaultRequest {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("The delay must be 0 to " + MAX_DELAY.toSeconds() + " s, not " + delay);
        }
        if (duration.isNegative() || duration.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("The duration must be 0 to " + MAX_DELAY.toSeconds() + " s, not "
                    + duration);
        }
        reason = reason == null || reason.isBlank() ? type.wireName() : shortened(reason);
    }

    /**
     * The fault a message's application properties ask for; empty for an ordinary message, or one naming a type
     * IoT Hub does not know (stored as telemetry like any other). A delay or duration that is missing, not a whole
     * number or negative means none; one over {@link #MAX_DELAY} is cut to it.
     */
    public static Optional<FaultRequest> from(Map<String, String> applicationProperties) {
        String typeName = applicationProperties.get(TYPE);
        if (typeName == null) {
            return Optional.empty();
        }
        return FaultType.named(typeName).map(type -> new FaultRequest(type, applicationProperties.get(CLOSE_REASON),
                seconds(applicationProperties.get(DELAY_IN_SECONDS)),
                seconds(applicationProperties.get(DURATION_IN_SECONDS))));
    }

    private static Duration seconds(String text) {
        if (text == null) {
            return Duration.ZERO;
        }
        try {
            long seconds = Long.parseLong(text.trim());
            return seconds <= 0 ? Duration.ZERO : Duration.ofSeconds(Math.min(seconds, MAX_DELAY.toSeconds()));
        } catch (NumberFormatException notANumber) {
            return Duration.ZERO;
        }
    }

    private static String shortened(String reason) {
        String printable = reason.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > MAX_REASON_LENGTH ? printable.substring(0, MAX_REASON_LENGTH) : printable;
    }
}
