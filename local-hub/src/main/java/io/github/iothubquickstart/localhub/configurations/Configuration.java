package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * One automatic device management configuration as the hub keeps it: what IoT Hub stores of it, without the metric
 * results (computed when read).
 *
 * @param deviceContent   {@code properties.desired.<name>} to the value the targeted twins get; never changes
 * @param targetCondition a WHERE clause, {@code *}, or null for no device
 * @param metricQueries   custom metric name to its query
 * @param revision        counts the changes from 1; the ETag says it
 * @param forModules      an automatic module configuration: its content is {@code content.moduleContent}, its target
 *                        condition and metrics select module twins ({@code FROM devices.modules WHERE ...})
 */
public record Configuration(String id, String schemaVersion, Map<String, String> labels,
                            Map<String, JsonElement> deviceContent, String targetCondition, int priority,
                            Instant created, Instant lastUpdated, Map<String, String> metricQueries, long revision,
                            boolean forModules) {

    /** A device configuration ({@code content.deviceContent}). */
    public Configuration(String id, String schemaVersion, Map<String, String> labels,
                         Map<String, JsonElement> deviceContent, String targetCondition, int priority,
                         Instant created, Instant lastUpdated, Map<String, String> metricQueries, long revision) {
        this(id, schemaVersion, labels, deviceContent, targetCondition, priority, created, lastUpdated,
                metricQueries, revision, false);
    }

    public Configuration {
        Objects.requireNonNull(id, "id");
        labels = Map.copyOf(labels);
        deviceContent = Map.copyOf(deviceContent);
        metricQueries = Map.copyOf(metricQueries);
    }

    /** IoT Hub's ETag of a configuration: the revision number, base64 ("MQ==" for 1). */
    public String etag() {
        return Base64.getEncoder().encodeToString(Long.toString(revision).getBytes(StandardCharsets.US_ASCII));
    }

    /** The name of its content in IoT Hub's JSON: {@code deviceContent} or {@code moduleContent}. */
    public String contentName() {
        return forModules ? "moduleContent" : "deviceContent";
    }

    /** Whether this configuration wins a device over {@code other}: higher priority, then the newer one. */
    boolean winsOver(Configuration other) {
        if (priority != other.priority) {
            return priority > other.priority;
        }
        int byCreation = created.compareTo(other.created);
        return byCreation != 0 ? byCreation > 0 : id.compareTo(other.id) > 0;
    }
}
