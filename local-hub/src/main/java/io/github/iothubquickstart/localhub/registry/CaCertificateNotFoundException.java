package io.github.iothubquickstart.localhub.registry;

/** No trusted CA certificate has the name asked for. */
public class CaCertificateNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaCertificateNotFoundException(String name) {
        super("no CA certificate is named \"" + name + "\" (see local-hub ca-certificate list)");
    }
}
