package io.github.iothubquickstart.localhub.jobs;

import java.util.Arrays;
import java.util.Optional;

/** The two kinds of scheduled (v2) job, by their wire names. */
public enum JobType {
    SCHEDULE_DEVICE_METHOD("scheduleDeviceMethod"),
    SCHEDULE_UPDATE_TWIN("scheduleUpdateTwin");

    private final String wireName;

    JobType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<JobType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
