package io.github.iothubquickstart.localhub.auth;

/** A SharedAccessSignature string that cannot be parsed; the message says which part is wrong. */
public class InvalidSasTokenException extends Exception {

    public InvalidSasTokenException(String message) {
        super(message);
    }
}
