package io.github.iothubquickstart.localhub.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The certificate chain a device presented in its TLS handshake (leaf first), read only when a login needs it (most
 * devices log in with a SAS token and present none). Empty when the client presented none, when the connection has
 * no TLS of the hub's, or when the client said it presents none ({@link #withheld()}).
 */
public final class PeerCertificates {
    private static final PeerCertificates WITHHELD = new PeerCertificates(() -> null);

    private final Supplier<SSLSession> session;
    private List<X509Certificate> chain;

    private PeerCertificates(Supplier<SSLSession> session) {
        this.session = session;
    }

    /** The chain of the TLS session {@code session} supplies (null: no TLS), read at the first {@link #chain()}. */
    public static PeerCertificates of(Supplier<SSLSession> session) {
        return new PeerCertificates(session);
    }

    /** No chain, whatever the handshake carried (a device SDK's {@code iothub-no-client-cert=true}). */
    public static PeerCertificates withheld() {
        return WITHHELD;
    }

    /** The presented chain, leaf first; empty when there is none. */
    public synchronized List<X509Certificate> chain() {
        if (chain == null) {
            chain = read(session.get());
        }
        return chain;
    }

    public boolean isEmpty() {
        return chain().isEmpty();
    }

    private static List<X509Certificate> read(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : session.getPeerCertificates()) {
                if (!(certificate instanceof X509Certificate x509)) {
                    return List.of();
                }
                certificates.add(x509);
            }
            return List.copyOf(certificates);
        } catch (SSLPeerUnverifiedException none) {
            return List.of();
        }
    }
}
