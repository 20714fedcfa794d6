package io.github.iothubquickstart.localhub.jobs;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a job, or one device's part of it, stands; the wire name is the enum's name. A job is {@code scheduled}
 * before its start time, {@code queued} from then until it runs, then {@code running}, and ends {@code completed},
 * {@code failed} or {@code cancelled}. A device's record is {@code queued} until its call starts.
 */
public enum JobStatus {
    queued, scheduled, running, completed, failed, cancelled;

    public boolean finished() {
        return this == completed || this == failed || this == cancelled;
    }

    public static Optional<JobStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(status -> status.name().equals(name)).findFirst();
    }
}
