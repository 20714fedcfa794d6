package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.jobs.DeviceJob;
import io.github.iothubquickstart.localhub.jobs.DeviceMethodResponse;
import io.github.iothubquickstart.localhub.jobs.JobMethod;
import io.github.iothubquickstart.localhub.jobs.JobStatistics;
import io.github.iothubquickstart.localhub.jobs.JobType;
import io.github.iothubquickstart.localhub.jobs.ScheduledJob;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Scheduled jobs in IoT Hub's JSON: a job as {@code /jobs/v2} answers it, and one device's record as
 * {@code SELECT * FROM devices.jobs} returns it.
 */
public final class JobJson {
    /** What the service SDKs send and read back: milliseconds, UTC. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private JobJson() {
    }

    static JsonObject job(ScheduledJob job, JobStatistics statistics) {
        JsonObject json = new JsonObject();
        json.addProperty("jobId", job.jobId());
        json.addProperty("type", job.request().type().wireName());
        json.addProperty("status", job.status().name());
        json.addProperty("queryCondition", job.request().queryCondition());
        json.addProperty("createdTime", time(job.createdTime()));
        json.addProperty("startTime", time(job.request().startTime()));
        if (job.endTime() != null) {
            json.addProperty("endTime", time(job.endTime()));
        }
        json.addProperty("maxExecutionTimeInSeconds", job.request().maxExecutionTime().toSeconds());
        if (job.request().type() == JobType.SCHEDULE_DEVICE_METHOD) {
            json.add("cloudToDeviceMethod", method(job.request().method()));
        } else {
            json.add("updateTwin", job.request().twinPatch().deepCopy());
        }
        if (job.failureReason() != null) {
            json.addProperty("failureReason", job.failureReason());
            json.addProperty("statusMessage", job.failureReason());
        }
        JsonObject counts = new JsonObject();
        counts.addProperty("deviceCount", statistics.deviceCount());
        counts.addProperty("failedCount", statistics.failedCount());
        counts.addProperty("succeededCount", statistics.succeededCount());
        counts.addProperty("runningCount", statistics.runningCount());
        counts.addProperty("pendingCount", statistics.pendingCount());
        json.add("deviceJobStatistics", counts);
        return json;
    }

    /**
     * One device's record. A method job's answer is in {@code outcome.deviceMethodResponse}, as IoT Hub returns it,
     * and also in {@code cloudToDeviceMethod}, where service SDK 2.1.9's {@code ScheduledJob.getOutcomeResult()}
     * reads it (without it, that SDK fails to read the record at all). {@code endTimeUtc} is left out until the
     * device's part ends.
     */
    public static JsonObject deviceJob(DeviceJob device) {
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", device.deviceId());
        json.addProperty("jobId", device.jobId());
        json.addProperty("jobType", device.type().wireName());
        json.addProperty("status", device.status().name());
        json.addProperty("startTimeUtc", time(device.startTime()));
        if (device.endTime() != null) {
            json.addProperty("endTimeUtc", time(device.endTime()));
        }
        json.addProperty("createdDateTimeUtc", time(device.createdTime()));
        json.addProperty("lastUpdatedDateTimeUtc", time(device.lastUpdatedTime()));
        if (device.type() == JobType.SCHEDULE_UPDATE_TWIN) {
            JsonObject outcome = new JsonObject();
            outcome.add("deviceMethodResponse", JsonNull.INSTANCE);
            json.add("outcome", outcome);
        } else if (device.response() != null) {
            JsonObject outcome = new JsonObject();
            outcome.add("deviceMethodResponse", methodResponse(device.response()));
            json.add("outcome", outcome);
            json.add("cloudToDeviceMethod", methodResponse(device.response()));
        }
        if (device.errorCode() != null) {
            JsonObject error = new JsonObject();
            error.addProperty("code", device.errorCode());
            error.addProperty("description", device.errorDescription() == null ? "" : device.errorDescription());
            json.add("error", error);
        }
        return json;
    }

    private static JsonObject methodResponse(DeviceMethodResponse result) {
        JsonObject response = new JsonObject();
        response.addProperty("status", result.status());
        response.add("payload", result.payload().deepCopy());
        return response;
    }

    private static JsonObject method(JobMethod method) {
        JsonObject json = new JsonObject();
        json.addProperty("methodName", method.methodName());
        json.add("payload", payload(method.payload()));
        json.addProperty("responseTimeoutInSeconds", method.responseTimeout().toSeconds());
        json.addProperty("connectTimeoutInSeconds", method.connectTimeout().toSeconds());
        return json;
    }

    private static JsonElement payload(String text) {
        if (text.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            return JsonNull.INSTANCE;
        }
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }
}
