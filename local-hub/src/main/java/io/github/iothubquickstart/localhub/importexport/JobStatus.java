package io.github.iothubquickstart.localhub.importexport;

import java.util.Optional;

/** An import/export job's status, as IoT Hub names it: enqueued, then running, then one of the three ends. */
public enum JobStatus {
    ENQUEUED("enqueued"),
    RUNNING("running"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    public static Optional<JobStatus> parse(String text) {
        for (JobStatus status : values()) {
            if (status.wireName.equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
