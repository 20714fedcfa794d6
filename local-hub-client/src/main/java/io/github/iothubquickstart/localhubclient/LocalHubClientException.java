package io.github.iothubquickstart.localhubclient;

/** The local hub cannot be used as found; the message says why and what to do, in one line. */
public class LocalHubClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalHubClientException(String message) {
        super(message);
    }

    public LocalHubClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
