package io.github.iothubquickstart.localhub.importexport;

/** How a running job reports how far it is, and learns that it was cancelled. */
interface JobProgress {

    /** {@code done} of {@code total} units (devices, bytes) are done. */
    void report(long done, long total);

    /** True once the job was cancelled: the work stops at the next line. */
    boolean cancelled();
}
