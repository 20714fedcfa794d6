package io.github.iothubquickstart.localhub.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Where jobs and their per-device records are kept, so that scheduled and running jobs outlive a hub restart. Each
 * call is durable when it returns. Blocking: call off the event loops.
 */
public interface JobStore extends AutoCloseable {

    /** Stores a new job; false, and nothing stored, if a job with its id exists. */
    boolean insert(ScheduledJob job);

    /** Replaces the stored job of the same id. */
    void update(ScheduledJob job);

    Optional<ScheduledJob> find(String jobId);

    /** Every job, oldest first. */
    List<ScheduledJob> list();

    /** Stores the device records of a job that starts, and the job's new state, in one transaction. */
    void start(ScheduledJob job, List<DeviceJob> devices);

    /** Replaces one device's record. */
    void update(DeviceJob device);

    /** The job's device records, by device id. */
    List<DeviceJob> deviceJobs(String jobId);

    /** Every job's device records. */
    List<DeviceJob> allDeviceJobs();

    @Override
    void close();
}
