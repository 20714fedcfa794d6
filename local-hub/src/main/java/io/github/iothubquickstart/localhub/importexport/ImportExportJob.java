package io.github.iothubquickstart.localhub.importexport;

import java.time.Instant;
import java.util.Objects;

/**
 * One import or export job as IoT Hub reports it ({@code JobProperties}): what was asked, its status, progress (0 to
 * 100), why it failed, when it started and ended (null until then). Never changed in place.
 */
public record ImportExportJob(String jobId, JobRequest request, JobStatus status, int progress,
                              String failureReason, Instant createdTime, Instant startTime, Instant endTime) {

    /** IoT Hub's default blob names: the devices file an export writes and an import reads, and the error log. */
    public static final String DEVICES_BLOB = "devices.txt";
    public static final String IMPORT_ERRORS_BLOB = "importErrors.log";
    /** IoT Hub's default blob of the configurations a job with {@code includeConfigurations} writes or reads. */
    public static final String CONFIGURATIONS_BLOB = "configurations.txt";

    public ImportExportJob {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdTime, "createdTime");
    }

    public static ImportExportJob enqueued(String jobId, JobRequest request, Instant now) {
        return new ImportExportJob(jobId, request, JobStatus.ENQUEUED, 0, null, now, null, null);
    }

    public JobType type() {
        return request.type();
    }

    /** The blob an import reads: {@code inputBlobName}, or devices.txt. */
    public String inputBlob() {
        return blank(request.inputBlobName()) ? DEVICES_BLOB : request.inputBlobName();
    }

    /** The blob the job writes: {@code outputBlobName}, or devices.txt for an export and importErrors.log for an import. */
    public String outputBlob() {
        if (!blank(request.outputBlobName())) {
            return request.outputBlobName();
        }
        return request.type() == JobType.EXPORT ? DEVICES_BLOB : IMPORT_ERRORS_BLOB;
    }

    /** The blob of configurations: {@code configurationsBlobName}, or configurations.txt. */
    public String configurationsBlob() {
        return blank(request.configurationsBlobName()) ? CONFIGURATIONS_BLOB : request.configurationsBlobName();
    }

    public ImportExportJob running(Instant now) {
        return new ImportExportJob(jobId, request, JobStatus.RUNNING, 0, null, createdTime, now, null);
    }

    public ImportExportJob withProgress(int percent) {
        return new ImportExportJob(jobId, request, status, Math.max(0, Math.min(100, percent)), failureReason,
                createdTime, startTime, endTime);
    }

    public ImportExportJob completed(Instant now) {
        return new ImportExportJob(jobId, request, JobStatus.COMPLETED, 100, null, createdTime, startOr(now), now);
    }

    public ImportExportJob failed(String reason, Instant now) {
        return new ImportExportJob(jobId, request, JobStatus.FAILED, progress, reason, createdTime, startOr(now), now);
    }

    public ImportExportJob cancelled(Instant now) {
        return new ImportExportJob(jobId, request, JobStatus.CANCELLED, progress, null, createdTime, startOr(now), now);
    }

    private Instant startOr(Instant now) {
        return startTime == null ? now : startTime;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
