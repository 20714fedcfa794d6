package io.github.iothubquickstart.localhub.jobs;

import java.time.Instant;

/**
 * A job as stored and reported: its request, where it stands, and when it was created and ended.
 *
 * @param endTime       when it ended, or null while it has not
 * @param failureReason why it failed or was cut short, or null
 */
public record ScheduledJob(JobRequest request, JobStatus status, Instant createdTime, Instant endTime,
                           String failureReason) {

    public String jobId() {
        return request.jobId();
    }

    public ScheduledJob withStatus(JobStatus newStatus) {
        return new ScheduledJob(request, newStatus, createdTime, endTime, failureReason);
    }

    public ScheduledJob ended(JobStatus finalStatus, Instant at, String reason) {
        return new ScheduledJob(request, finalStatus, createdTime, at, reason);
    }
}
