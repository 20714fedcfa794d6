package io.github.iothubquickstart.localhub.jobs;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodResult;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One running job: works through its devices at most {@code devicesAtOnce} at a time, stores each device's outcome
 * as it comes, and ends the job when every device is done (completed), when it is cancelled (devices not started:
 * cancelled), or at its deadline (devices not done: failed, and the job failed). Method answers arrive on an event
 * loop and are handed to the jobs' threads before anything is stored.
 */
final class JobExecution {
    /** The error a device's record gets when the job's maxExecutionTimeInSeconds passed before it was done. */
    static final String EXPIRED = "JobExpired";

    private final Map<String, DeviceJob> devices = new LinkedHashMap<>();
    private final Deque<String> toStart = new ArrayDeque<>();
    private final JobStore store;
    private final DirectMethodService methods;
    private final TwinService twins;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final int devicesAtOnce;
    private final Consumer<String> onEnded;
    private ScheduledJob job;
    private int underWay;
    private boolean over;
    private ScheduledFuture<?> deadline;

    JobExecution(ScheduledJob job, List<DeviceJob> devices, JobStore store, DirectMethodService methods,
                 TwinService twins, Clock clock, ScheduledExecutorService executor, int devicesAtOnce,
                 Consumer<String> onEnded) {
        this.job = job;
        this.store = store;
        this.methods = methods;
        this.twins = twins;
        this.clock = clock;
        this.executor = executor;
        this.devicesAtOnce = devicesAtOnce;
        this.onEnded = onEnded;
        for (DeviceJob device : devices) {
            this.devices.put(device.deviceId(), device);
            if (!device.status().finished()) {
                // queued, or running when the hub stopped: (again) to do
                toStart.add(device.deviceId());
            }
        }
    }

    synchronized void begin() {
        long delay = Duration.between(clock.instant(), job.request().deadline()).toMillis();
        if (delay <= 0) {
            expire();
            return;
        }
        deadline = executor.schedule(this::expire, delay, TimeUnit.MILLISECONDS);
        startMore();
    }

    /** Starts no further device and ends the job as cancelled. */
    synchronized ScheduledJob cancel() {
        if (over) {
            return job;
        }
        Instant now = clock.instant();
        for (String deviceId : toStart) {
            record(devices.get(deviceId).ended(JobStatus.cancelled, now, null, null));
        }
        toStart.clear();
        return end(JobStatus.cancelled, null);
    }

    /** The hub is stopping: nothing more is started or stored; the stored state is resumed after a restart. */
    synchronized void stop() {
        over = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private synchronized void expire() {
        if (over) {
            return;
        }
        Instant now = clock.instant();
        int unfinished = 0;
        for (DeviceJob device : devices.values()) {
            if (!device.status().finished()) {
                unfinished++;
                record(device.ended(JobStatus.failed, now, EXPIRED, "The job's maxExecutionTimeInSeconds ("
                        + job.request().maxExecutionTime().toSeconds() + ") passed before this device was done."));
            }
        }
        toStart.clear();
        if (unfinished == 0) {
            end(JobStatus.completed, null);
            return;
        }
        end(JobStatus.failed, "The job ran for its maxExecutionTimeInSeconds ("
                + job.request().maxExecutionTime().toSeconds() + ") with " + unfinished + " device(s) not done.");
    }

    private void startMore() {
        while (!over && underWay < devicesAtOnce && !toStart.isEmpty()) {
            String deviceId = toStart.poll();
            record(devices.get(deviceId).running(clock.instant()));
            underWay++;
            if (job.request().type() == JobType.SCHEDULE_DEVICE_METHOD) {
                methods.invoke(deviceId, job.request().method().toRequest())
                        .onComplete(done -> hand(() -> deviceDone(deviceId,
                                done.succeeded() ? response(done.result()) : null, done.cause())));
            } else {
                hand(() -> updateTwin(deviceId));
            }
        }
        if (!over && underWay == 0 && toStart.isEmpty()) {
            end(JobStatus.completed, null);
        }
    }

    private void updateTwin(String deviceId) {
        JsonObject patch = job.request().twinPatch();
        JsonElement properties = patch.get("properties");
        JsonElement desired = properties != null && properties.isJsonObject()
                ? properties.getAsJsonObject().get("desired") : null;
        JsonElement etag = patch.get("etag");
        String ifMatch = etag == null || etag.isJsonNull() ? "*" : etag.getAsString();
        try {
            twins.update(deviceId, new TwinSections(patch.get("tags"), desired), ifMatch);
            deviceDone(deviceId, null, null);
        } catch (RuntimeException e) {
            deviceDone(deviceId, null, e);
        }
    }

    private synchronized void deviceDone(String deviceId, DeviceMethodResponse answer, Throwable failure) {
        DeviceJob device = devices.get(deviceId);
        if (device.status() != JobStatus.running || (over && job.status() != JobStatus.cancelled)) {
            return; // expired meanwhile, or the hub is stopping
        }
        underWay--;
        Instant now = clock.instant();
        record(failure == null
                ? device.succeeded(now, answer)
                : device.ended(JobStatus.failed, now, ScheduledJobs.errorNameOf(failure),
                        ScheduledJobs.describe(failure)));
        startMore();
    }

    private static DeviceMethodResponse response(MethodResult result) {
        return new DeviceMethodResponse(result.status(), result.payload());
    }

    private void record(DeviceJob device) {
        devices.put(device.deviceId(), device);
        store.update(device);
    }

    private ScheduledJob end(JobStatus status, String reason) {
        over = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        job = job.ended(status, clock.instant(), reason);
        store.update(job);
        String jobId = job.jobId();
        hand(() -> onEnded.accept(jobId));
        return job;
    }

    private void hand(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException stopping) {
            // the hub is stopping; what is stored is resumed after a restart
        }
    }

}
