package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.jobs.JobMethod;
import io.github.iothubquickstart.localhub.jobs.JobRequest;
import io.github.iothubquickstart.localhub.jobs.JobType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Reads and checks the body of {@code PUT /jobs/v2/{jobId}} against IoT Hub's rules. */
final class JobRequestParser {
    static final int MAX_JOB_ID_LENGTH = 128;

    private JobRequestParser() {
    }

    static JobRequest parse(String pathJobId, String body, Instant now) {
        requireValidJobId(pathJobId);
        JsonObject json = JsonBodies.requireObject(body,
                "with jobId, type, queryCondition, startTime, maxExecutionTimeInSeconds and cloudToDeviceMethod or"
                        + " updateTwin");
        JsonElement bodyJobId = json.get("jobId");
        if (bodyJobId != null && !bodyJobId.isJsonNull()
                && !(isString(bodyJobId) && bodyJobId.getAsString().equals(pathJobId))) {
            throw IotHubErrors.argumentInvalid("The jobId in the body (" + bodyJobId + ") is not the one in the"
                    + " path (" + pathJobId + ").");
        }
        JobType type = type(json.get("type"));
        String condition = string(json, "queryCondition");
        Instant startTime = startTime(json.get("startTime"), now);
        Duration maxExecutionTime = Duration.ofSeconds(maxExecutionSeconds(json.get("maxExecutionTimeInSeconds")));
        if (type == JobType.SCHEDULE_DEVICE_METHOD) {
            JsonElement method = json.get("cloudToDeviceMethod");
            if (method == null || !method.isJsonObject()) {
                throw IotHubErrors.argumentInvalid("A scheduleDeviceMethod job needs cloudToDeviceMethod: {\"methodName\":"
                        + " ..., \"payload\": ...}.");
            }
            JobMethod call = JobMethod.of(MethodRequestParser.parse(method.toString()));
            return new JobRequest(pathJobId, type, condition, startTime, maxExecutionTime, call, null);
        }
        return new JobRequest(pathJobId, type, condition, startTime, maxExecutionTime, null,
                twinPatch(json.get("updateTwin")));
    }

    private static void requireValidJobId(String jobId) {
        if (jobId == null || jobId.isEmpty() || jobId.length() > MAX_JOB_ID_LENGTH
                || !jobId.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != '/' && c != '?' && c != '#')) {
            throw IotHubErrors.argumentInvalid("The job id must be 1 to " + MAX_JOB_ID_LENGTH + " printable ASCII"
                    + " characters without /, ? or #.");
        }
    }

    private static JobType type(JsonElement value) {
        if (value == null || !isString(value)) {
            throw IotHubErrors.argumentInvalid("type is required: scheduleDeviceMethod or scheduleUpdateTwin.");
        }
        return JobType.fromWireName(value.getAsString()).orElseThrow(() -> IotHubErrors.argumentInvalid(
                "type " + value + " is not a scheduled job type: use scheduleDeviceMethod or scheduleUpdateTwin."));
    }

    private static String string(JsonObject json, String field) {
        JsonElement value = json.get(field);
        if (value == null || !isString(value)) {
            throw IotHubErrors.argumentInvalid(field + " is required, a string such as \"deviceId IN ['a', 'b']\".");
        }
        return value.getAsString();
    }

    private static Instant startTime(JsonElement value, Instant now) {
        if (value == null || value.isJsonNull()) {
            return now;
        }
        if (!isString(value)) {
            throw IotHubErrors.argumentInvalid("startTime must be an ISO 8601 time, like 2024-01-31T12:00:00Z.");
        }
        try {
            return OffsetDateTime.parse(value.getAsString()).toInstant();
        } catch (DateTimeParseException e) {
            throw IotHubErrors.argumentInvalid("startTime " + value + " is not an ISO 8601 time with its offset,"
                    + " like 2024-01-31T12:00:00Z.");
        }
    }

    private static long maxExecutionSeconds(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return 0;
        }
        if (!value.isJsonPrimitive() || !((JsonPrimitive) value).isNumber()
                || value.getAsDouble() != Math.rint(value.getAsDouble()) || value.getAsDouble() < 0
                || value.getAsDouble() > Integer.MAX_VALUE) {
            throw IotHubErrors.argumentInvalid("maxExecutionTimeInSeconds must be a whole number of seconds, 0 or"
                    + " more; it was " + value + ".");
        }
        return value.getAsLong();
    }

    private static JsonObject twinPatch(JsonElement value) {
        if (value == null || !value.isJsonObject()) {
            throw IotHubErrors.argumentInvalid("A scheduleUpdateTwin job needs updateTwin: {\"tags\": {...},"
                    + " \"properties\": {\"desired\": {...}}, \"etag\": \"*\"}.");
        }
        JsonObject twin = value.getAsJsonObject();
        JsonElement properties = twin.get("properties");
        if (properties != null && !properties.isJsonNull()) {
            if (!properties.isJsonObject()) {
                throw IotHubErrors.argumentInvalid("updateTwin.properties must be a JSON object.");
            }
            JsonElement reported = properties.getAsJsonObject().get("reported");
            if (reported != null && !reported.isJsonNull()
                    && !(reported.isJsonObject() && reported.getAsJsonObject().isEmpty())) {
                throw IotHubErrors.argumentInvalid("A job cannot write reported properties: the device writes them.");
            }
        }
        JsonElement etag = twin.get("etag");
        if (etag != null && !etag.isJsonNull() && !isString(etag)) {
            throw IotHubErrors.argumentInvalid("updateTwin.etag must be a string (\"*\" for any version).");
        }
        return twin.deepCopy();
    }

    private static boolean isString(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
    }
}
