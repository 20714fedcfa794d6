package io.github.iothubquickstart.localhub.importexport;

import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobContainer;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's import and export jobs ({@code RegistryManager.exportDevices}/{@code importDevices}): a job is stored
 * enqueued before it is answered, then runs on the one {@code import-export} thread (never on an event loop): running,
 * then completed, failed (with the reason: a container it cannot reach, a SAS without the right, no input blob) or
 * cancelled. As on IoT Hub, one job runs at a time: another is refused with 403 until it ends. Every change of status
 * and progress is stored, so the job can be read while it runs and after a restart; a job the hub stopped in the
 * middle of ends failed.
 */
public final class ImportExportJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImportExportJobs.class);
    static final String STOPPED_REASON = "The hub stopped while the job was enqueued or running; start it again"
            + " (an import may have applied some of its lines).";
    /** How long one blob read or write may take before the job fails. */
    private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(5);
    /** How often a wait on storage looks whether the job was cancelled or the hub is stopping. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(50);
    /** Progress is stored at most this often. */
    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

    private final ImportExportJobStore store;
    private final BlobStorage storage;
    private final DeviceExport exports;
    private final DeviceImport imports;
    private final ConfigurationTransfer configurations;
    private final Clock clock;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "import-export");
        thread.setDaemon(true);
        return thread;
    });

    /** The job that is enqueued or running, as last stored; null when none is. Guarded by this. */
    private ImportExportJob active;
    private boolean cancelRequested;
    private boolean stopping;

    public ImportExportJobs(ImportExportJobStore store, BlobStorage storage, RegistryService devices,
                            ModuleService modules, TwinService twins, DeviceLineFormat format, Clock clock) {
        this(store, storage, devices, modules, twins, format, ConfigurationTransfer.NONE, clock);
    }

    public ImportExportJobs(ImportExportJobStore store, BlobStorage storage, RegistryService devices,
                            ModuleService modules, TwinService twins, DeviceLineFormat format,
                            ConfigurationTransfer configurations, Clock clock) {
        this.store = store;
        this.storage = storage;
        this.exports = new DeviceExport(devices, modules, twins, format);
        this.imports = new DeviceImport(format, new ImportEntryApplier(devices, modules, twins));
        this.configurations = configurations;
        this.clock = clock;
        int ended = store.failUnfinished(STOPPED_REASON, now());
        if (ended > 0) {
            LOG.warn("{} import/export job(s) were cut short when the hub last stopped; they are now failed", ended);
        }
    }

    /**
     * Stores the job enqueued and starts it.
     *
     * @throws IotHubError 403003 while another import or export job is enqueued or running
     */
    public synchronized ImportExportJob create(JobRequest request) {
        if (stopping) {
            throw IotHubErrors.serverError("The hub is stopping.");
        }
        if (active != null) {
            throw IotHubErrors.jobQuotaExceeded("Job quota has been exceeded: IoT Hub runs one import or export job"
                    + " at a time, and job " + active.jobId() + " is " + active.status().wireName()
                    + ". Retry once it has ended.");
        }
        ImportExportJob job = ImportExportJob.enqueued(UUID.randomUUID().toString(), request, now());
        store.save(job);
        active = job;
        cancelRequested = false;
        worker.execute(() -> run(job.jobId()));
        return job;
    }

    /** @throws IotHubError 404002 for a job the hub does not know */
    public ImportExportJob get(String jobId) {
        synchronized (this) {
            if (active != null && active.jobId().equals(jobId)) {
                return active;
            }
        }
        return store.find(jobId).orElseThrow(() -> IotHubErrors.jobNotFound(jobId));
    }

    /** Every import and export job the hub has run, newest first. */
    public List<ImportExportJob> list() {
        return store.list();
    }

    /**
     * Cancels the job if it has not ended: an enqueued job never runs, a running one stops before its next line (what
     * an import applied stays applied, as on IoT Hub). An ended job stays as it ended.
     */
    public ImportExportJob cancel(String jobId) {
        synchronized (this) {
            if (active != null && active.jobId().equals(jobId)) {
                cancelRequested = true;
                if (active.status() == JobStatus.ENQUEUED) {
                    return finish(active.cancelled(now()));
                }
                return active;
            }
        }
        return get(jobId);
    }

    private void run(String jobId) {
        ImportExportJob job;
        synchronized (this) {
            if (active == null || !active.jobId().equals(jobId)) {
                return; // cancelled while enqueued
            }
            job = record(active.running(now()));
        }
        try {
            ImportExportJob outcome = job.type() == JobType.EXPORT ? export(job) : importDevices(job);
            synchronized (this) {
                finish(stopping ? active.failed(STOPPED_REASON, now())
                        : cancelRequested ? active.cancelled(now()) : outcome);
            }
        } catch (JobInterrupted e) {
            synchronized (this) {
                finish(stopping ? active.failed(STOPPED_REASON, now()) : active.cancelled(now()));
            }
        } catch (JobFailure e) {
            LOG.info("Import/export job {} failed: {}", jobId, e.getMessage());
            synchronized (this) {
                finish(active.failed(e.getMessage(), now()));
            }
        } catch (RuntimeException e) {
            LOG.warn("Import/export job {} failed", jobId, e);
            synchronized (this) {
                finish(active.failed("The job failed on the hub: " + e.getMessage(), now()));
            }
        }
    }

    private ImportExportJob export(ImportExportJob job) {
        BlobContainer output = container(job.request().outputBlobContainerUri(), "outputBlobContainerUri", job);
        byte[] content = exports.export(job.request().excludeKeysInExport(), progress());
        if (content == null) {
            return active;
        }
        await(output.write(job.outputBlob(), content), "write " + job.outputBlob() + " to the output container");
        if (job.request().includeConfigurations()) {
            byte[] lines = joined(configurationLines());
            await(output.write(job.configurationsBlob(), lines), "write " + job.configurationsBlob()
                    + " to the output container");
        }
        return active.completed(now());
    }

    private List<String> configurationLines() {
        try {
            return configurations.exportLines();
        } catch (IotHubError e) {
            throw new JobFailure("The configurations could not be exported: " + e.getMessage());
        }
    }

    private static byte[] joined(List<String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private ImportExportJob importDevices(ImportExportJob job) {
        String inputUri = job.request().inputBlobContainerUri();
        BlobContainer input = container(inputUri, "inputBlobContainerUri", job);
        String outputUri = job.request().outputBlobContainerUri();
        BlobContainer output = outputUri == null || outputUri.isBlank() || outputUri.equals(inputUri) ? input
                : container(outputUri, "outputBlobContainerUri", job);
        // The log is made first, so a container the hub cannot write to fails the job before any line is applied.
        await(output.write(job.outputBlob(), new byte[0]), "write " + job.outputBlob() + " to the output container");
        byte[] content = await(input.read(job.inputBlob()), "read " + job.inputBlob() + " from the input container")
                .orElseThrow(() -> new JobFailure("The input container has no blob " + job.inputBlob()
                        + "; upload the devices to import there (one JSON object per line)."));
        // The configurations blob is read before any line is applied: missing, it fails the job with nothing done.
        byte[] configurationContent = !job.request().includeConfigurations() ? null
                : await(input.read(job.configurationsBlob()), "read " + job.configurationsBlob()
                        + " from the input container").orElseThrow(() -> new JobFailure("The input container has no"
                        + " blob " + job.configurationsBlob() + " (includeConfigurations): upload the configurations"
                        + " to import there, one JSON object per line, or leave includeConfigurations out."));
        DeviceImport.Outcome outcome = imports.run(content, progress());
        if (outcome == null) {
            return active;
        }
        List<String> errors = new ArrayList<>(new String(outcome.errorLog(), StandardCharsets.UTF_8).lines().toList());
        if (configurationContent != null) {
            errors.addAll(importConfigurations(configurationContent));
        }
        if (!errors.isEmpty()) {
            await(output.write(job.outputBlob(), joined(errors)), "write " + job.outputBlob()
                    + " to the output container");
            LOG.info("Import/export job {}: {} lines could not be applied, see {}", job.jobId(), errors.size(),
                    job.outputBlob());
        }
        return active.completed(now());
    }

    /** Applies each configuration line; the error log's lines of those that failed. */
    private List<String> importConfigurations(byte[] content) {
        List<String> errors = new ArrayList<>();
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark, as .NET's StreamWriter writes one
        }
        for (String line : text.lines().toList()) {
            if (interrupted()) {
                throw new JobInterrupted();
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                configurations.importLine(line);
            } catch (IotHubError e) {
                errors.add(configurations.errorLine(line, e));
            }
        }
        return errors;
    }

    /** The container the job names; a URI the hub cannot use fails the job with the reason. */
    private BlobContainer container(String text, String member, ImportExportJob job) {
        if (text == null || text.isBlank()) {
            throw new JobFailure(member + " is missing: give the blob container's URI.");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new JobFailure(member + " is not a URI (" + e.getMessage() + ").");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new JobFailure(member + " must be a blob container's https URI with a SAS token, such as"
                    + " https://account.blob.core.windows.net/container?sv=...&sig=...; it is not.");
        }
        boolean keyBased = job.request().storageAuthentication() == StorageAuthentication.KEY_BASED;
        if (keyBased && (uri.getRawQuery() == null || !uri.getRawQuery().contains("sig="))) {
            throw new JobFailure(member + " has no SAS token (sig=...): key-based storage access needs a container"
                    + " SAS with the job's rights, or use identityBased storage authentication.");
        }
        try {
            return storage.container(uri);
        } catch (IllegalArgumentException | BlobAccessException e) {
            throw new JobFailure(member + " cannot be used: " + e.getMessage());
        }
    }

    /**
     * Waits for storage, a slice at a time, so that a cancel or the hub stopping ends the wait at once.
     */
    private <T> T await(CompletableFuture<T> future, String what) {
        long deadline = System.nanoTime() + BLOB_TIMEOUT.toNanos();
        try {
            while (true) {
                try {
                    return future.get(WAIT_SLICE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (interrupted()) {
                        future.cancel(true);
                        throw new JobInterrupted();
                    }
                    if (System.nanoTime() > deadline) {
                        future.cancel(true);
                        throw new JobFailure("Could not " + what + ": storage did not answer within "
                                + BLOB_TIMEOUT.toMinutes() + " minutes.");
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new JobFailure("Could not " + what + ": " + (cause == null ? e.getMessage() : cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobInterrupted();
        }
    }

    private synchronized boolean interrupted() {
        return cancelRequested || stopping;
    }

    private JobProgress progress() {
        return new JobProgress() {
            private long lastStored = clock.millis();

            @Override
            public void report(long done, long total) {
                long nowMillis = clock.millis();
                if (nowMillis - lastStored < PROGRESS_INTERVAL.toMillis() || total <= 0) {
                    return;
                }
                lastStored = nowMillis;
                synchronized (ImportExportJobs.this) {
                    if (active != null && active.status() == JobStatus.RUNNING) {
                        // 99 at most: 100 is the completed job's.
                        record(active.withProgress((int) Math.min(99, done * 100 / total)));
                    }
                }
            }

            @Override
            public boolean cancelled() {
                return interrupted();
            }
        };
    }

    /** Stores the active job's new state. Caller holds the lock. */
    private ImportExportJob record(ImportExportJob job) {
        store.save(job);
        active = job;
        return job;
    }

    /** Stores the job's end; no job is active after it. Caller holds the lock. */
    private ImportExportJob finish(ImportExportJob job) {
        store.save(job);
        active = null;
        return job;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /**
     * Stops the running job before its next line (it ends failed, as it would if the hub had crashed) and waits for
     * the thread.
     */
    @Override
    public void close() {
        synchronized (this) {
            stopping = true;
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The import/export job did not stop in time; it ends failed when the hub next starts");
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The job was cancelled, or the hub is stopping, while it waited. */
    private static final class JobInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JobInterrupted() {
            super(null, null, false, false);
        }
    }

    /** A reason the job cannot go on, for its {@code failureReason}. */
    private static final class JobFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JobFailure(String message) {
            super(message, null, false, false);
        }
    }
}
