package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** TLS client contexts for tests of devices that log in with an X.509 certificate. */
public final class ClientTls {
    private ClientTls() {
    }

    /** A context that presents {@code certificate}'s chain and key (none when null) and trusts {@code trust} only. */
    public static SSLContext presenting(ClientCertificates.Issued certificate, TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(certificate == null ? null : keyManagers(certificate), new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context for a client certificate", e);
        }
    }

    private static KeyManager[] keyManagers(ClientCertificates.Issued certificate)
            throws GeneralSecurityException, IOException {
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("device", certificate.privateKey(), password, certificate.chain().toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password);
        return factory.getKeyManagers();
    }
}
