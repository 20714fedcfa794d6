package io.github.iothubquickstart.localhub.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.iothubquickstart.localhub.testing.ClientTls;
import io.github.iothubquickstart.localhub.testing.VertxFutures;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A device listener's TLS asks for a client certificate without requiring one and takes any chain, on both engines
 * (BoringSSL where it loads, the JDK's): a self-signed certificate no CA vouches for gets through to the login with its
 * whole chain, a client without a certificate connects as before, and the request names no CA.
 */
class ClientCertificateRequestTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private Vertx vertx;
    private HubCertificates hubCertificates;
    private final LinkedBlockingQueue<List<X509Certificate>> seen = new LinkedBlockingQueue<>();
    private int port;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        hubCertificates = HubCertificates.loadOrCreate(dir, List.of("127.0.0.1"), Clock.systemUTC());
    }

    @AfterEach
    void stopVertx() throws Exception {
        VertxFutures.await(vertx.close());
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "BoringSSL"})
    void aSelfSignedClientCertificateReachesTheServerWithItsChain(String engine) throws Exception {
        listen(engine);
        ClientCertificates.Issued selfSigned = ClientCertificates.selfSigned("camera", NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(1)));

        connect(selfSigned);

        assertThat(seen.poll(5, TimeUnit.SECONDS)).containsExactly(selfSigned.certificate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "BoringSSL"})
    void aCaSignedClientCertificateArrivesWithTheIntermediatesItWasSentWith(String engine) throws Exception {
        listen(engine);
        ClientCertificates.Issued root = ClientCertificates.rootCa("Root", NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(1)));
        ClientCertificates.Issued intermediate = ClientCertificates.intermediateCa(root, "Intermediate",
                NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));
        ClientCertificates.Issued leaf = ClientCertificates.leaf(intermediate, "meter", NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(1)));

        connect(leaf);

        assertThat(seen.poll(5, TimeUnit.SECONDS)).containsExactlyElementsOf(leaf.chain());
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "BoringSSL"})
    void aClientWithoutACertificateConnectsAsBefore(String engine) throws Exception {
        listen(engine);

        connect(null);

        assertThat(seen.poll(5, TimeUnit.SECONDS)).isEmpty();
    }

    private void listen(String engine) throws Exception {
        SSLEngineOptions engineOptions = engine.equals("JDK") ? new JdkSSLEngineOptions() : new OpenSSLEngineOptions();
        assumeThat(engine.equals("JDK") || OpenSSLEngineOptions.isAvailable()).as("BoringSSL loads here").isTrue();
        NetServerOptions options = SslEngines.requestClientCertificates(new NetServerOptions()
                .setHost("127.0.0.1")
                .setSsl(true)
                .setKeyCertOptions(SslEngines.serverKeyCert(vertx, hubCertificates.serverCertificateFile(),
                        hubCertificates.serverKeyFile())));
        options.setSslEngineOptions(engineOptions);
        NetServer server = vertx.createNetServer(options).connectHandler(socket -> {
            seen.add(PeerCertificates.of(socket::sslSession).chain());
            socket.write("!");
        });
        port = VertxFutures.await(server.listen(0)).actualPort();
    }

    /** A TLS client presenting {@code certificate} (none when null) and trusting the hub's CA; reads the server's byte. */
    private void connect(ClientCertificates.Issued certificate) throws Exception {
        SSLContext context = ClientTls.presenting(certificate,
                TrustedCa.trustManagerFor(hubCertificates.caCertificateFile()));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(InetAddress.getByName("127.0.0.1"), port)) {
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo('!');
        }
    }
}
