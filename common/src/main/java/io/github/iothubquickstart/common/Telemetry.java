package io.github.iothubquickstart.common;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;

/**
 * One telemetry reading as it travels in the message body: {@code {"temperature":27.1,"humidity":71.2}}.
 *
 * @param temperature degrees Celsius
 * @param humidity relative humidity in percent
 */
public record Telemetry(double temperature, double humidity) {

    /** Above this temperature (°C) a message carries {@code temperatureAlert=true}. */
    public static final double ALERT_THRESHOLD_CELSIUS = 30.0;

    /** Name of the application property that flags hot readings, so routes can filter without parsing the body. */
    public static final String ALERT_PROPERTY = "temperatureAlert";

    private static final Gson GSON = new Gson();

    public boolean temperatureAlert() {
        return temperature > ALERT_THRESHOLD_CELSIUS;
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    /** @throws JsonParseException if the text is not a telemetry JSON object */
    public static Telemetry fromJson(String json) {
        Telemetry telemetry = GSON.fromJson(json, Telemetry.class);
        if (telemetry == null) {
            throw new JsonParseException("empty telemetry JSON");
        }
        return telemetry;
    }
}
