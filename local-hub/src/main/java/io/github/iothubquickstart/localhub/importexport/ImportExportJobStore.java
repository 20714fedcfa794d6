package io.github.iothubquickstart.localhub.importexport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where import/export jobs are kept, so that their records outlive a hub restart. Thread-safe. */
public interface ImportExportJobStore {

    /** Stores a new job or replaces the stored one with the same id; returns once it is stored. */
    void save(ImportExportJob job);

    Optional<ImportExportJob> find(String jobId);

    /** Every job, newest first. */
    List<ImportExportJob> list();

    /**
     * Ends every job that was enqueued or running when the hub stopped: failed with {@code reason} at {@code now}
     * (a job's work is not resumable: an import may have applied part of its lines).
     *
     * @return how many jobs it ended
     */
    int failUnfinished(String reason, Instant now);
}
