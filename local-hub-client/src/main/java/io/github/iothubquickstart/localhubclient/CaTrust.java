package io.github.iothubquickstart.localhubclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS client contexts that trust a local hub's CA, with the JDK alone. Never trust-all: certificates are still
 * validated (chain, validity, and host name when the caller enables endpoint identification).
 */
public final class CaTrust {

    private static final String PROTOCOL = "TLS";

    private CaTrust() {
    }

    /** Trusts only the CA in {@code caPem}: for the device SDK's {@code ClientOptions.sslContext}, REST calls, tests. */
    public static SSLContext trustingOnly(Path caPem) {
        return trustingOnly(readCertificate(caPem));
    }

    public static SSLContext trustingOnly(X509Certificate ca) {
        return context(trustManagerFor(ca));
    }

    /**
     * Trusts the JDK's default trust store plus the CA in {@code caPem}: for apps that also reach real services,
     * e.g. installed as the {@code HttpsURLConnection} default socket factory.
     */
    public static SSLContext trustingSystemAnd(Path caPem) {
        return trustingSystemAnd(readCertificate(caPem));
    }

    public static SSLContext trustingSystemAnd(X509Certificate ca) {
        return context(trustManagerForSystemAnd(ca));
    }

    /** A trust manager accepting what the JDK's default trust store accepts, and chains ending at {@code ca}. */
    public static X509ExtendedTrustManager trustManagerForSystemAnd(X509Certificate ca) {
        return new EitherTrustManager(List.of(trustManagerFor(ca), systemTrustManager()));
    }

    /** A PKIX trust manager whose only trust anchor is {@code ca}. */
    public static X509ExtendedTrustManager trustManagerFor(X509Certificate ca) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("local-hub-ca", ca);
            return extendedTrustManager(anchors);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust manager for " + ca.getSubjectX500Principal(), e);
        }
    }

    /** The first certificate of a PEM (or DER) file. */
    public static X509Certificate readCertificate(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | ClassCastException e) {
            throw new LocalHubClientException("cannot read the local hub's CA certificate " + file + " (" + e.getMessage()
                    + "): restart the local hub, or delete its data directory to start afresh", e);
        }
    }

    private static X509ExtendedTrustManager systemTrustManager() {
        try {
            return extendedTrustManager(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK default trust store", e);
        }
    }

    private static X509ExtendedTrustManager extendedTrustManager(KeyStore anchorsOrNullForDefault)
            throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchorsOrNullForDefault);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
    }

    private static SSLContext context(X509TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a " + PROTOCOL + " context", e);
        }
    }

    /** Accepts a chain that any delegate accepts (the first failure is reported, the others suppressed). */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {

        private final List<X509ExtendedTrustManager> delegates;

        EitherTrustManager(List<X509ExtendedTrustManager> delegates) {
            this.delegates = List.copyOf(delegates);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            firstAccepting(delegate -> delegate.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            firstAccepting(delegate -> delegate.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            firstAccepting(delegate -> delegate.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            firstAccepting(delegate -> delegate.checkClientTrusted(chain, authType, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            firstAccepting(delegate -> delegate.checkClientTrusted(chain, authType, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            firstAccepting(delegate -> delegate.checkClientTrusted(chain, authType));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegates.stream().flatMap(delegate -> Stream.of(delegate.getAcceptedIssuers()))
                    .toArray(X509Certificate[]::new);
        }

        private void firstAccepting(Check check) throws CertificateException {
            List<CertificateException> failures = new ArrayList<>();
            for (X509ExtendedTrustManager delegate : delegates) {
                try {
                    check.run(delegate);
                    return;
                } catch (CertificateException e) {
                    failures.add(e);
                }
            }
            CertificateException first = failures.get(0);
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }

        @FunctionalInterface
        private interface Check {
            void run(X509ExtendedTrustManager delegate) throws CertificateException;
        }
    }
}
