package io.github.iothubquickstart.localhub.registry;

/** A CA certificate is added under a name already taken, or is already trusted under another name. */
public class CaCertificateAlreadyExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaCertificateAlreadyExistsException(String message) {
        super(message);
    }
}
