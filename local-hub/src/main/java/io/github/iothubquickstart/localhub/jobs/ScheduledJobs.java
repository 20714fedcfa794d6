package io.github.iothubquickstart.localhub.jobs;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's scheduled jobs (jobs v2): a direct method or a twin update on every device a query condition selects,
 * from a start time, for at most a maximum execution time. A job is stored before it is acknowledged; at its start
 * time the devices are selected and their records stored, then worked through a few at a time on the jobs' own
 * threads, each outcome stored as it comes. After a restart, {@link #resume()} schedules the jobs still waiting and
 * carries on with the ones that were running (devices already done keep their outcome; those whose call was under
 * way are called again). Blocking: call off the event loops.
 */
public final class ScheduledJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledJobs.class);
    /** IoT Hub's S3 limit on jobs active at once; scheduled jobs count. */
    public static final int MAX_ACTIVE_JOBS = 10;
    /** IoT Hub's default maxExecutionTimeInSeconds, used when a request gives 0. */
    static final Duration DEFAULT_MAX_EXECUTION_TIME = Duration.ofHours(1);
    /** Devices of one job worked on at once. */
    static final int DEVICES_AT_ONCE = 10;

    private final JobStore store;
    private final DeviceSelector selector;
    private final DirectMethodService methods;
    private final TwinService twins;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final Map<String, ScheduledFuture<?>> waiting = new HashMap<>();
    private final Map<String, JobExecution> running = new HashMap<>();
    private boolean closed;

    public ScheduledJobs(JobStore store, DeviceSelector selector, DirectMethodService methods, TwinService twins,
                         Clock clock) {
        this.store = store;
        this.selector = selector;
        this.methods = methods;
        this.twins = twins;
        this.clock = clock;
        this.executor = new ScheduledThreadPoolExecutor(2, runnable -> {
            Thread thread = new Thread(runnable, "jobs");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Picks up what the store holds from before a restart: waiting jobs are scheduled, running ones go on. */
    public synchronized ScheduledJobs resume() {
        for (ScheduledJob job : store.list()) {
            switch (job.status()) {
                case scheduled, queued -> schedule(job);
                case running -> execute(job, store.deviceJobs(job.jobId()));
                default -> {
                }
            }
        }
        return this;
    }

    /**
     * Stores and schedules a new job; a start time in the past runs it now.
     *
     * @throws io.github.iothubquickstart.localhub.errors.IotHubError 400 for a condition the hub cannot evaluate,
     *         409 for a job id in use, 429 past {@value #MAX_ACTIVE_JOBS} active jobs
     */
    public synchronized ScheduledJob create(JobRequest request) {
        if (closed) {
            throw new IotHubError(503, 503001, "The hub is stopping; schedule the job again once it is back.");
        }
        DeviceQueries.requireValidCondition(request.queryCondition());
        if (store.find(request.jobId()).isPresent()) {
            throw JobErrors.alreadyExists(request.jobId());
        }
        if (waiting.size() + running.size() >= MAX_ACTIVE_JOBS) {
            throw JobErrors.tooManyActiveJobs(MAX_ACTIVE_JOBS);
        }
        Instant now = clock.instant();
        // A start time in the past is now: the job runs at once, for its whole maxExecutionTimeInSeconds.
        Instant startTime = request.startTime().isBefore(now) ? now : request.startTime();
        Duration maxExecutionTime = request.maxExecutionTime().isZero() ? DEFAULT_MAX_EXECUTION_TIME
                : request.maxExecutionTime();
        JobRequest stored = new JobRequest(request.jobId(), request.type(), request.queryCondition(), startTime,
                maxExecutionTime, request.method(), request.twinPatch());
        JobStatus status = stored.startTime().isAfter(now) ? JobStatus.scheduled : JobStatus.queued;
        ScheduledJob job = new ScheduledJob(stored, status, now, null, null);
        if (!store.insert(job)) {
            throw JobErrors.alreadyExists(request.jobId());
        }
        schedule(job);
        return job;
    }

    public ScheduledJob get(String jobId) {
        return store.find(jobId).orElseThrow(() -> JobErrors.notFound(jobId));
    }

    public JobStatistics statistics(String jobId) {
        return JobStatistics.of(store.deviceJobs(jobId));
    }

    /** Every job of that type and status (null: any), oldest first. */
    public List<ScheduledJob> list(JobType type, JobStatus status) {
        return store.list().stream()
                .filter(job -> type == null || job.request().type() == type)
                .filter(job -> status == null || job.status() == status)
                .toList();
    }

    /** Every device's record of every job that has started. */
    public List<DeviceJob> deviceJobs() {
        return store.allDeviceJobs();
    }

    /**
     * Cancels a job: one not started never starts; a running one starts no further device (a call under way still
     * records its outcome). A job that has ended stays as it ended.
     */
    public synchronized ScheduledJob cancel(String jobId) {
        ScheduledJob job = get(jobId);
        if (job.status().finished()) {
            return job;
        }
        ScheduledFuture<?> timer = waiting.remove(jobId);
        if (timer != null) {
            timer.cancel(false);
        }
        JobExecution execution = running.remove(jobId);
        if (execution != null) {
            return execution.cancel();
        }
        ScheduledJob cancelled = job.ended(JobStatus.cancelled, clock.instant(), null);
        store.update(cancelled);
        return cancelled;
    }

    private void schedule(ScheduledJob job) {
        long delay = Math.max(0, Duration.between(clock.instant(), job.request().startTime()).toMillis());
        waiting.put(job.jobId(), executor.schedule(() -> start(job.jobId()), delay, TimeUnit.MILLISECONDS));
    }

    /** At the start time: selects the devices, stores their records, and sets to work. */
    private synchronized void start(String jobId) {
        if (closed || waiting.remove(jobId) == null) {
            return;
        }
        ScheduledJob job = store.find(jobId).orElse(null);
        if (job == null || job.status().finished()) {
            return;
        }
        Instant now = clock.instant();
        List<DeviceJob> devices = new ArrayList<>();
        try {
            for (String deviceId : selector.deviceIdsWhere(job.request().queryCondition())) {
                devices.add(DeviceJob.queued(job.request(), deviceId, now));
            }
        } catch (RuntimeException e) {
            LOG.warn("Job {} could not select its devices", jobId, e);
            store.update(job.ended(JobStatus.failed, now, "Selecting the devices failed: " + e.getMessage()));
            return;
        }
        ScheduledJob started = job.withStatus(JobStatus.running);
        store.start(started, devices);
        execute(started, devices);
    }

    private void execute(ScheduledJob job, List<DeviceJob> devices) {
        JobExecution execution = new JobExecution(job, devices, store, methods, twins, clock, executor,
                DEVICES_AT_ONCE, this::ended);
        running.put(job.jobId(), execution);
        execution.begin();
    }

    private synchronized void ended(String jobId) {
        running.remove(jobId);
    }

    /**
     * Stops timers and work; nothing is marked: scheduled jobs stay scheduled and running ones running, for
     * {@link #resume()} after the next start.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            running.values().forEach(JobExecution::stop);
            running.clear();
            waiting.clear();
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The jobs' threads did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    static int errorCodeOf(Throwable failure) {
        return failure instanceof IotHubError error ? error.errorCode()
                : 500001;
    }

    static String errorNameOf(Throwable failure) {
        return IotHubErrors.codeName(errorCodeOf(failure));
    }
}
