package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.configurations.Configuration;
import io.github.iothubquickstart.localhub.configurations.ConfigurationDraft;
import io.github.iothubquickstart.localhub.configurations.ConfiguredView;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IoT Hub's JSON for a configuration, as the service SDKs write and read it (the Java SDK's
 * {@code ConfigurationParser}): {@code id, schemaVersion, labels, content{deviceContent}, targetCondition, priority,
 * createdTimeUtc, lastUpdatedTimeUtc, systemMetrics, metrics{queries, results}, etag}. The read-only fields a client
 * echoes back (times, ETag, metric results) are ignored when it writes.
 */
final class ConfigurationJson {
    private ConfigurationJson() {
    }

    /** The configuration in a {@code PUT /configurations/{id}} body. */
    static ConfigurationDraft parse(String body) {
        JsonObject json = JsonBodies.requireObject(body, "describing the configuration");
        JsonObject content = object(json, "content");
        JsonObject metrics = object(json, "metrics");
        return new ConfigurationDraft(string(json, "id"), strings(json, "labels"),
                content == null ? null : desiredContent(content, "deviceContent"),
                content == null ? null : desiredContent(content, "moduleContent"),
                content == null ? null : otherContent(content),
                string(json, "targetCondition"), priority(json),
                metrics == null ? null : strings(metrics, "queries"));
    }

    /** The content in a {@code POST /devices/{id}/applyConfigurationContent} body. */
    static ConfigurationDraft parseContent(String body) {
        JsonObject content = JsonBodies.requireObject(body, "with the configuration content");
        return new ConfigurationDraft(null, null, desiredContent(content, "deviceContent"),
                desiredContent(content, "moduleContent"), otherContent(content), null, null, null);
    }

    static JsonObject toJson(ConfiguredView view) {
        Configuration configuration = view.configuration();
        JsonObject json = new JsonObject();
        json.addProperty("id", configuration.id());
        json.addProperty("schemaVersion", configuration.schemaVersion());
        json.add("labels", stringsJson(configuration.labels()));
        JsonObject content = new JsonObject();
        JsonObject desired = new JsonObject();
        configuration.deviceContent().forEach((path, value) -> desired.add(path, value.deepCopy()));
        content.add(configuration.contentName(), desired);
        json.add("content", content);
        json.addProperty("targetCondition", configuration.targetCondition());
        json.addProperty("createdTimeUtc", configuration.created().toString());
        json.addProperty("lastUpdatedTimeUtc", configuration.lastUpdated().toString());
        json.addProperty("priority", configuration.priority());
        json.add("systemMetrics", systemMetrics(view));
        JsonObject metrics = new JsonObject();
        JsonObject results = new JsonObject();
        view.metricResults().forEach(results::addProperty);
        metrics.add("results", results);
        metrics.add("queries", stringsJson(configuration.metricQueries()));
        json.add("metrics", metrics);
        json.addProperty("etag", configuration.etag());
        return json;
    }

    /** IoT Hub's system metrics: the two counts, and the queries that would select those devices. */
    private static JsonObject systemMetrics(ConfiguredView view) {
        Configuration configuration = view.configuration();
        JsonObject results = new JsonObject();
        results.addProperty("appliedCount", view.appliedCount());
        results.addProperty("targetedCount", view.targetedCount());
        JsonObject queries = new JsonObject();
        String target = configuration.targetCondition();
        if (configuration.forModules()) {
            // A module configuration's target condition is FROM devices.modules [WHERE ...] already.
            queries.addProperty("targetedCount", target == null || target.isBlank() ? ""
                    : "select deviceId, moduleId " + target.trim());
            queries.addProperty("appliedCount", "select deviceId, moduleId from devices.modules where"
                    + " configurations.[[" + configuration.id() + "]].status = 'Applied'");
        } else {
            queries.addProperty("targetedCount", target == null || target.isBlank() ? ""
                    : "select deviceId from devices" + ("*".equals(target.trim()) ? "" : " where " + target));
            queries.addProperty("appliedCount", "select deviceId from devices where configurations.[["
                    + configuration.id() + "]].status = 'Applied'");
        }
        JsonObject json = new JsonObject();
        json.add("results", results);
        json.add("queries", queries);
        return json;
    }

    /** {@code content.deviceContent} or {@code content.moduleContent}: desired property paths to values. */
    private static Map<String, JsonElement> desiredContent(JsonObject content, String name) {
        JsonObject deviceContent = object(content, name);
        if (deviceContent == null) {
            return null;
        }
        Map<String, JsonElement> result = new LinkedHashMap<>();
        deviceContent.entrySet().forEach(entry -> result.put(entry.getKey(), entry.getValue()));
        return result;
    }

    /** Which content the local hub does not apply the request has, if any. */
    private static String otherContent(JsonObject content) {
        JsonObject other = object(content, "modulesContent");
        return other != null && !other.isEmpty() ? "modulesContent" : null;
    }

    private static Integer priority(JsonObject json) {
        JsonElement priority = json.get("priority");
        if (priority == null || priority.isJsonNull()) {
            return null;
        }
        if (!priority.isJsonPrimitive() || !priority.getAsJsonPrimitive().isNumber()) {
            throw invalid("priority must be a whole number.");
        }
        try {
            return priority.getAsBigDecimal().intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            // NumberFormatException: Gson refuses an exponent beyond its limit (1e100000010), found by fuzzing.
            throw invalid("priority must be a whole number, not " + priority + ".");
        }
    }

    private static JsonObject object(JsonObject json, String name) {
        JsonElement value = json.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonObject()) {
            throw invalid(name + " must be a JSON object.");
        }
        return value.getAsJsonObject();
    }

    private static String string(JsonObject json, String name) {
        JsonElement value = json.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw invalid(name + " must be a string.");
        }
        return value.getAsString();
    }

    /** An object whose members are all strings, or null when absent. */
    private static Map<String, String> strings(JsonObject json, String name) {
        JsonObject object = object(json, name);
        if (object == null) {
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
            JsonElement value = member.getValue();
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                throw invalid(name + "." + member.getKey() + " must be a string.");
            }
            result.put(member.getKey(), value.getAsString());
        }
        return result;
    }

    private static JsonObject stringsJson(Map<String, String> strings) {
        JsonObject json = new JsonObject();
        strings.forEach(json::addProperty);
        return json;
    }

    private static IotHubError invalid(String message) {
        return IotHubErrors.argumentInvalid(message);
    }
}
