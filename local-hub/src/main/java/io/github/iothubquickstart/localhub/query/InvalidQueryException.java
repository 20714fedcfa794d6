package io.github.iothubquickstart.localhub.query;

/** A query the hub refuses: a syntax error, or something IoT Hub's language has that the local hub does not do. */
public final class InvalidQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidQueryException(String message) {
        super(message, null, false, false);
    }
}
