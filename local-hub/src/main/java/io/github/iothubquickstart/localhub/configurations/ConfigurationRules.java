package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.query.InvalidQueryException;
import io.github.iothubquickstart.localhub.query.TwinCondition;
import io.github.iothubquickstart.localhub.twin.TwinRuleViolation;
import io.github.iothubquickstart.localhub.twin.TwinRules;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * IoT Hub's rules for a configuration (automatic device management): its id, content, target condition, priority
 * and metric queries. Each broken rule is a 400 that says which. Pure: no state.
 */
final class ConfigurationRules {
    /** IoT Hub's configuration ids: up to 128 lower-case letters, digits and these marks. */
    private static final Pattern ID = Pattern.compile("[a-z0-9\\-:+%_#*?!(),=@;$']{1,128}");
    private static final String DESIRED_PREFIX = "properties.desired.";
    static final int MAX_METRICS = 5;

    private ConfigurationRules() {
    }

    static void requireValidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw IotHubErrors.argumentInvalid("The configuration id is not valid: use 1 to 128 lower-case letters,"
                    + " digits and - : + % _ # * ? ! ( ) , = @ ; $ '.");
        }
    }

    /**
     * The desired properties the content writes, as one twin patch: {@code properties.desired.a.b = v} becomes
     * {@code {"a":{"b":v}}}, checked against the twin's rules and size.
     */
    static JsonObject desiredPatch(Map<String, JsonElement> deviceContent) {
        return desiredPatch(deviceContent, "deviceContent");
    }

    /** The same for the content named {@code contentName} ({@code deviceContent} or {@code moduleContent}). */
    static JsonObject desiredPatch(Map<String, JsonElement> deviceContent, String contentName) {
        if (deviceContent == null || deviceContent.isEmpty()) {
            throw IotHubErrors.argumentInvalid("The configuration has no content: give content.deviceContent (or"
                    + " content.moduleContent for module twins), like"
                    + " {\"properties.desired.settings\": {\"interval\": 5}}.");
        }
        String where = "content." + contentName;
        JsonObject patch = new JsonObject();
        for (Map.Entry<String, JsonElement> entry : deviceContent.entrySet()) {
            String path = entry.getKey();
            if (!path.startsWith(DESIRED_PREFIX) || path.length() == DESIRED_PREFIX.length()) {
                throw IotHubErrors.argumentInvalid(where + " has the path \"" + path + "\": a configuration"
                        + " sets desired properties, properties.desired.<name>.");
            }
            if (entry.getValue() == null || entry.getValue().isJsonNull()) {
                throw IotHubErrors.argumentInvalid(where + " sets " + path + " to null: give it a value.");
            }
            put(patch, path.substring(DESIRED_PREFIX.length()).split("\\.", -1), entry.getValue(), path, where);
        }
        try {
            JsonObject checked = TwinRules.patch(patch, where);
            TwinRules.requireSize(checked, where, TwinRules.MAX_PROPERTIES_BYTES);
            return checked;
        } catch (TwinRuleViolation e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }

    private static void put(JsonObject patch, String[] names, JsonElement value, String path, String where) {
        JsonObject at = patch;
        for (int i = 0; i < names.length - 1; i++) {
            JsonElement next = at.get(names[i]);
            if (next == null) {
                next = new JsonObject();
                at.add(names[i], next);
            } else if (!next.isJsonObject()) {
                throw overlapping(path, where);
            }
            at = next.getAsJsonObject();
        }
        if (at.has(names[names.length - 1])) {
            throw overlapping(path, where);
        }
        at.add(names[names.length - 1], value.deepCopy());
    }

    private static IotHubError overlapping(String path, String where) {
        return IotHubErrors.argumentInvalid(where + " sets " + path + " and a path that contains or"
                + " is inside it: give each desired property once.");
    }

    static TwinCondition targetCondition(String text) {
        return targetCondition(text, false);
    }

    /**
     * A device configuration's target condition (a WHERE clause or {@code *}), or a module configuration's, which
     * IoT Hub writes as {@code FROM devices.modules [WHERE ...]}.
     */
    static TwinCondition targetCondition(String text, boolean forModules) {
        try {
            return forModules ? TwinCondition.moduleTargetCondition(text) : TwinCondition.targetCondition(text);
        } catch (InvalidQueryException e) {
            throw IotHubErrors.argumentInvalid("The target condition is not valid: " + e.getMessage());
        }
    }

    static int priority(Integer priority) {
        if (priority == null) {
            return 0;
        }
        if (priority < 0) {
            throw IotHubErrors.argumentInvalid("The priority is " + priority + ": it must be 0 or more.");
        }
        return priority;
    }

    static void requireValidMetrics(Map<String, String> queries, boolean forModules) {
        if (queries.size() > MAX_METRICS) {
            throw IotHubErrors.argumentInvalid("A configuration has at most " + MAX_METRICS + " custom metrics, not "
                    + queries.size() + ".");
        }
        queries.forEach((name, query) -> metricCondition(name, query, forModules));
    }

    /** A metric's query: {@code SELECT deviceId FROM devices WHERE ...}, for modules {@code FROM devices.modules}. */
    static TwinCondition metricCondition(String name, String query, boolean forModules) {
        if (name.isBlank()) {
            throw IotHubErrors.argumentInvalid("A custom metric has an empty name.");
        }
        try {
            return forModules ? TwinCondition.ofModuleQuery(query) : TwinCondition.ofDeviceQuery(query);
        } catch (InvalidQueryException e) {
            throw IotHubErrors.argumentInvalid("The query of metric " + name + " is not valid: " + e.getMessage());
        }
    }
}
