package io.github.iothubquickstart.localhub.jobs;

import java.util.List;

/** How a job's devices stand ({@code deviceJobStatistics}). */
public record JobStatistics(int deviceCount, int failedCount, int succeededCount, int runningCount,
                            int pendingCount) {

    public static JobStatistics of(List<DeviceJob> devices) {
        int failed = 0;
        int succeeded = 0;
        int running = 0;
        int pending = 0;
        for (DeviceJob device : devices) {
            switch (device.status()) {
                case completed -> succeeded++;
                case failed, cancelled -> failed++;
                case running -> running++;
                default -> pending++;
            }
        }
        return new JobStatistics(devices.size(), failed, succeeded, running, pending);
    }
}
