package io.github.iothubquickstart.localhub.tls;

import io.github.iothubquickstart.localhubclient.CaTrust;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS client contexts that trust the local hub's CA, built by the client module's JDK-only {@link CaTrust}; the
 * certificate is read here so that a bad CA file is a {@link CertificateStoreException}, as elsewhere in the hub.
 */
public final class TrustedCa {

    private TrustedCa() {
    }

    /** Trusts only the CA in {@code caPem}: for the device SDK's {@code ClientOptions.sslContext} and tests. */
    public static SSLContext trustingOnly(Path caPem) {
        return CaTrust.trustingOnly(Pem.readCertificate(caPem));
    }

    /**
     * Trusts the JDK's default trust store plus the CA in {@code caPem}: for apps that also reach
     * real services, e.g. installed as the {@code HttpsURLConnection} default socket factory.
     */
    public static SSLContext trustingSystemAnd(Path caPem) {
        return CaTrust.trustingSystemAnd(Pem.readCertificate(caPem));
    }

    /** A PKIX trust manager whose only trust anchor is the CA in {@code caPem}. */
    public static X509ExtendedTrustManager trustManagerFor(Path caPem) {
        return CaTrust.trustManagerFor(Pem.readCertificate(caPem));
    }
}
