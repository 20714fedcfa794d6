package io.github.iothubquickstart.localhub.blobs;

/** Storage refused or could not be reached; the message says which, in words for the job's failure reason. */
public final class BlobAccessException extends RuntimeException {
    public BlobAccessException(String message) {
        super(message);
    }

    public BlobAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
