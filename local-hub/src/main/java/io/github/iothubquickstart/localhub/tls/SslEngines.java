package io.github.iothubquickstart.localhub.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;

/**
 * The TLS implementation for the hub's endpoints: BoringSSL (netty-tcnative) where its native library loads, which
 * makes a handshake several times cheaper than the JDK's; otherwise the JDK's own. Both verify the same way.
 */
public final class SslEngines {
    private SslEngines() {
    }

    public static SSLEngineOptions fastest() {
        return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** For the start-up log line. */
    public static String fastestName() {
        return OpenSSLEngineOptions.isAvailable() ? "BoringSSL" : "JDK";
    }

    /**
     * Makes a device listener ask each client for a certificate without requiring one (a device with a SAS token has
     * none) and take whatever chain it presents ({@link AnyClientCertificate}): the device's certificate is checked
     * at login, for the identity it claims ({@link PeerCertificates}). The same with BoringSSL and the JDK engine.
     */
    public static <T extends NetServerOptions> T requestClientCertificates(T options) {
        options.setClientAuth(ClientAuth.REQUEST);
        options.setTrustOptions(TrustOptions.wrap(AnyClientCertificate.INSTANCE));
        return options;
    }

    /**
     * The server's certificate chain and private key, read once. Given a plain key manager, Netty converts the key
     * into BoringSSL's form again on every handshake (a visible share of each connect's CPU); wrapped in
     * its caching factory, it converts it once. The hub never changes its certificate while it runs.
     */
    public static KeyCertOptions serverKeyCert(Vertx vertx, Path certificate, Path privateKey) {
        PemKeyCertOptions pem = new PemKeyCertOptions()
                .setCertPath(certificate.toString())
                .setKeyPath(privateKey.toString());
        if (!OpenSSLEngineOptions.isAvailable()) {
            return pem;
        }
        try {
            return KeyCertOptions.wrap(new OpenSslCachingX509KeyManagerFactory(pem.getKeyManagerFactory(vertx)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the server certificate " + certificate + " and its key "
                    + privateKey + " (" + e.getMessage() + ")", e);
        }
    }
}
