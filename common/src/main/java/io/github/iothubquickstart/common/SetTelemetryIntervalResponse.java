package io.github.iothubquickstart.common;

/**
 * What the device answers (status 200) to a successful {@code SetTelemetryInterval}:
 * {@code {"telemetryInterval":10,"message":"Telemetry interval set to 10 s"}}.
 *
 * @param telemetryInterval the interval now in effect, in seconds
 * @param message a sentence for people reading the back-end's output
 */
public record SetTelemetryIntervalResponse(int telemetryInterval, String message) {

    public static SetTelemetryIntervalResponse forInterval(int seconds) {
        return new SetTelemetryIntervalResponse(seconds, "Telemetry interval set to " + seconds + " s");
    }
}
