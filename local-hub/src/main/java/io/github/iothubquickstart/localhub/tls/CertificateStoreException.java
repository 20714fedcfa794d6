package io.github.iothubquickstart.localhub.tls;

/** The certificate files in the data directory are missing, damaged or inconsistent; the message says what to do. */
public class CertificateStoreException extends RuntimeException {

    public CertificateStoreException(String message) {
        super(message);
    }

    public CertificateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
