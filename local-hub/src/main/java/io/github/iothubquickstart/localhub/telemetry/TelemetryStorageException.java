package io.github.iothubquickstart.localhub.telemetry;

/** The telemetry journal cannot be opened or written; the message says what to do. */
public final class TelemetryStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TelemetryStorageException(String message) {
        super(message);
    }

    public TelemetryStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
