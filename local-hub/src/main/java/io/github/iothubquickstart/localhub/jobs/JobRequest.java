package io.github.iothubquickstart.localhub.jobs;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * A validated {@code PUT /jobs/v2/{jobId}}: what to do, on which devices, from when, for how long.
 *
 * @param queryCondition   the WHERE clause that selects the devices at the start time
 * @param maxExecutionTime how long after its start the job may run; unfinished devices then fail
 * @param method           for {@link JobType#SCHEDULE_DEVICE_METHOD}: the call, else null
 * @param twinPatch        for {@link JobType#SCHEDULE_UPDATE_TWIN}: the {@code updateTwin} document as sent (tags,
 *                         properties.desired, etag), else null
 */
public record JobRequest(String jobId, JobType type, String queryCondition, Instant startTime,
                         Duration maxExecutionTime, JobMethod method, JsonObject twinPatch) {

    public Instant deadline() {
        return startTime.plus(maxExecutionTime);
    }
}
