package io.github.iothubquickstart.localhub.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The hub's TLS trust for device client certificates: it takes any chain, because whether a certificate lets a device
 * in depends on the identity the device claims later (its MQTT client id, its AMQP link, its HTTPS path), and a
 * selfSigned device's certificate is vouched for by no CA at all: {@code auth.CertificateAuthenticator} decides then.
 * TLS still proves that the client holds the leaf's private key (its CertificateVerify). It names no CA in its
 * certificate request, so a client offers whichever certificate it has.
 */
final class AnyClientCertificate extends X509ExtendedTrustManager {
    static final AnyClientCertificate INSTANCE = new AnyClientCertificate();
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private AnyClientCertificate() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // Decided at login, for the identity the client names.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // As above.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // As above.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the hub's listeners trust no server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS.clone();
    }
}
