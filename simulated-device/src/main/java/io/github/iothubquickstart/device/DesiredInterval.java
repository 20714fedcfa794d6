package io.github.iothubquickstart.device;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.github.iothubquickstart.common.InvalidPayloadException;
import io.github.iothubquickstart.common.SetTelemetryIntervalRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Applies the twin's desired {@code telemetryInterval} with the same rules as the {@code SetTelemetryInterval}
 * method. A valid value changes the schedule (which then reports it); an invalid one is printed with the reason
 * and ignored, so the reported interval keeps saying what is really in effect.
 */
public final class DesiredInterval {
    public static final String PROPERTY = "telemetryInterval";
    private static final Gson GSON = new Gson();

    private final TelemetrySchedule schedule;
    private final PrintStream out;

    public DesiredInterval(TelemetrySchedule schedule, PrintStream out) {
        this.schedule = schedule;
        this.out = out;
    }

    /** {@code desired}: the desired properties (a full set or a patch); without {@value #PROPERTY} nothing happens. */
    public void apply(Map<String, Object> desired, Integer version) {
        if (desired == null || !desired.containsKey(PROPERTY)) {
            return;
        }
        Object value = desired.get(PROPERTY);
        String shown = value == null ? "null" : GSON.toJson(value);
        if (value == null) {
            out.println("Desired " + PROPERTY + " was removed" + versionText(version)
                    + ": keeping the current interval of " + schedule.interval().toSeconds() + " s");
            return;
        }
        try {
            JsonElement json = GSON.toJsonTree(value);
            int seconds = SetTelemetryIntervalRequest.fromJson(json).seconds();
            out.println("Desired " + PROPERTY + " " + shown + versionText(version) + ": interval set to "
                    + seconds + " s");
            schedule.setInterval(Duration.ofSeconds(seconds));
        } catch (InvalidPayloadException e) {
            out.println("Ignored desired " + PROPERTY + " " + shown + versionText(version) + ": "
                    + e.getMessage());
        }
    }

    private static String versionText(Integer version) {
        return version == null ? "" : " (desired version " + version + ")";
    }
}
