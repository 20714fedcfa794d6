package io.github.iothubquickstart.localhub.junit;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust behind {@link HttpsURLConnection}'s JVM-wide default socket factory while hubs run.
 *
 * <p>The Azure service SDK (2.1.9) opens every request with that default factory: its client options take a proxy
 * and timeouts, but no SSLContext. So per-client trust is impossible, and simply installing one hub's CA as the
 * default would break the hub of a test class running in parallel. Instead, a connection to a running hub's HTTPS
 * endpoint ({@code host:port}) is checked against that hub's CA alone; any other connection against the JDK's
 * default trust store, as before. Nothing is trusted blindly. When the last hub stops, the factory that was the
 * default before is put back (unless someone replaced ours meanwhile).
 */
final class PerHubHttpsTrust {
    private static final Map<String, X509ExtendedTrustManager> HUBS = new ConcurrentHashMap<>();
    private static SSLSocketFactory routing;
    private static SSLSocketFactory previousDefault;

    private PerHubHttpsTrust() {
    }

    /** From now on, HTTPS connections to {@code host:port} are verified against {@code hubCa} only. */
    static synchronized void add(String host, int port, X509ExtendedTrustManager hubCa) {
        HUBS.put(key(host, port), hubCa);
        if (routing == null) {
            routing = routingContext().getSocketFactory();
        }
        SSLSocketFactory current = HttpsURLConnection.getDefaultSSLSocketFactory();
        if (current != routing) {
            // Also after code such as the quickstart's back-end replaced ours: hubs added later need it back.
            previousDefault = current;
            HttpsURLConnection.setDefaultSSLSocketFactory(routing);
        }
    }

    static synchronized void remove(String host, int port) {
        HUBS.remove(key(host, port));
        if (HUBS.isEmpty() && previousDefault != null && HttpsURLConnection.getDefaultSSLSocketFactory() == routing) {
            HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
            previousDefault = null;
        }
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }

    private static SSLContext routingContext() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            X509ExtendedTrustManager jdkDefault = null;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    jdkDefault = extended;
                }
            }
            if (jdkDefault == null) {
                throw new IllegalStateException("The JDK's default trust manager factory has no X509ExtendedTrustManager.");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new RoutingTrustManager(jdkDefault)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS trust for the local hub: " + e.getMessage(), e);
        }
    }

    /** Picks the trust manager by the server the connection goes to. */
    private static final class RoutingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager jdkDefault;

        RoutingTrustManager(X509ExtendedTrustManager jdkDefault) {
            this.jdkDefault = jdkDefault;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            forServer(socket).checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            forServer(engine.getPeerHost(), engine.getPeerPort()).checkServerTrusted(chain, authType, engine);
        }

        /** No peer known: only the JDK's own trust applies. */
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            jdkDefault.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            jdkDefault.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            jdkDefault.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            jdkDefault.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return jdkDefault.getAcceptedIssuers();
        }

        private X509ExtendedTrustManager forServer(Socket socket) {
            // The host as the client named it (the URL's), else the address the socket reached.
            if (socket instanceof SSLSocket ssl) {
                SSLSession handshake = ssl.getHandshakeSession();
                if (handshake != null && handshake.getPeerHost() != null) {
                    X509ExtendedTrustManager hub = HUBS.get(key(handshake.getPeerHost(), handshake.getPeerPort()));
                    if (hub != null) {
                        return hub;
                    }
                }
            }
            if (socket != null && socket.getInetAddress() != null) {
                return forServer(socket.getInetAddress().getHostAddress(), socket.getPort());
            }
            return jdkDefault;
        }

        private X509ExtendedTrustManager forServer(String host, int port) {
            return host == null ? jdkDefault : HUBS.getOrDefault(key(host, port), jdkDefault);
        }
    }
}
