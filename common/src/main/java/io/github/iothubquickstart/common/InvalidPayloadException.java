package io.github.iothubquickstart.common;

/** A direct method payload that cannot be accepted; the message says why, in one line. */
public final class InvalidPayloadException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String message) {
        super(message);
    }
}
