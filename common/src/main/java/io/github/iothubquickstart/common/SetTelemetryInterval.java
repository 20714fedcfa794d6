package io.github.iothubquickstart.common;

/** The one direct method the simulated device implements, and its limits. */
public final class SetTelemetryInterval {

    public static final String METHOD_NAME = "SetTelemetryInterval";

    /** Shortest accepted interval in seconds. */
    public static final int MIN_SECONDS = 1;

    /** Longest accepted interval in seconds (one hour). */
    public static final int MAX_SECONDS = 3600;

    public static final int DEFAULT_SECONDS = 1;

    private SetTelemetryInterval() {
    }

    public static boolean inRange(long seconds) {
        return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS;
    }

    public static String rangeDescription() {
        return MIN_SECONDS + " to " + MAX_SECONDS + " seconds";
    }
}
