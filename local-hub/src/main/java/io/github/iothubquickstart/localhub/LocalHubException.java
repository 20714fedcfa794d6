package io.github.iothubquickstart.localhub;

/** The local hub cannot start or serve; the message says why and what to do. */
public final class LocalHubException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalHubException(String message, Throwable cause) {
        super(message, cause);
    }

    public LocalHubException(String message) {
        super(message);
    }
}
