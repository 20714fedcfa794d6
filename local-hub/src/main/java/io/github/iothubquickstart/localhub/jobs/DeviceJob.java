package io.github.iothubquickstart.localhub.jobs;

import java.time.Instant;

/**
 * One device's part of a job, as {@code SELECT * FROM devices.jobs} returns it.
 *
 * @param startTime        when the device's part started (the job's start until its call begins)
 * @param endTime          when it ended, or null
 * @param response         the device's answer to a method job, or null
 * @param errorCode        IoT Hub's error code name when it failed ({@code DeviceNotOnline}...), or null
 * @param errorDescription the error's message, or null
 */
public record DeviceJob(String jobId, String deviceId, JobType type, JobStatus status, Instant createdTime,
                        Instant startTime, Instant endTime, Instant lastUpdatedTime, DeviceMethodResponse response,
                        String errorCode, String errorDescription) {

    static DeviceJob queued(JobRequest job, String deviceId, Instant now) {
        return new DeviceJob(job.jobId(), deviceId, job.type(), JobStatus.queued, now, job.startTime(), null, now,
                null, null, null);
    }

    DeviceJob running(Instant now) {
        return new DeviceJob(jobId, deviceId, type, JobStatus.running, createdTime, now, null, now, null, null, null);
    }

    DeviceJob succeeded(Instant now, DeviceMethodResponse answer) {
        return new DeviceJob(jobId, deviceId, type, JobStatus.completed, createdTime, startTime, now, now, answer,
                null, null);
    }

    DeviceJob ended(JobStatus finalStatus, Instant now, String code, String description) {
        return new DeviceJob(jobId, deviceId, type, finalStatus, createdTime, startTime, now, now, null, code,
                description);
    }
}
