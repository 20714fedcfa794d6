package io.github.iothubquickstart.localhub.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real TLS handshakes on loopback with the generated files, host name verification on. */
class TlsHandshakeTest {

    @TempDir
    Path dir;

    private HubCertificates certificates;
    private SSLServerSocket server;
    private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

    @BeforeEach
    void startServer() throws Exception {
        certificates = HubCertificates.loadOrCreate(dir, List.of("myhub.example.com"), Clock.systemUTC());
        server = (SSLServerSocket) serverContext(certificates).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor.submit(this::echoOneByteForever);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
        acceptor.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "::1", "myhub.example.com", "MyHub.Example.COM"})
    void handshakeSucceedsForEveryNameInTheCertificate(String hostName) throws Exception {
        assertThat(roundTrip(TrustedCa.trustingOnly(certificates.caCertificateFile()), hostName, "TLSv1.3"))
                .isEqualTo(42);
    }

    @Test
    void worksWithTls12AsTheDeviceSdkDefaultContextUses() throws Exception {
        assertThat(roundTrip(TrustedCa.trustingOnly(certificates.caCertificateFile()), "localhost", "TLSv1.2"))
                .isEqualTo(42);
    }

    @Test
    void systemPlusCaContextAlsoTrustsTheHub() throws Exception {
        assertThat(roundTrip(TrustedCa.trustingSystemAnd(certificates.caCertificateFile()), "127.0.0.1", "TLSv1.3"))
                .isEqualTo(42);
        assertThat(TrustedCa.trustManagerFor(certificates.caCertificateFile()).getAcceptedIssuers())
                .containsExactly(certificates.caCertificate());
    }

    @Test
    void hostNameVerificationRejectsANameNotInTheCertificate() {
        SSLContext client = TrustedCa.trustingOnly(certificates.caCertificateFile());

        assertThatThrownBy(() -> roundTrip(client, "other.example.com", "TLSv1.3"))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> roundTrip(TrustedCa.trustingSystemAnd(certificates.caCertificateFile()),
                "127.0.0.2", "TLSv1.3"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aClientTrustingAnotherCaRejectsTheHub(@TempDir Path otherDir) {
        HubCertificates other = HubCertificates.loadOrCreate(otherDir, List.of(), Clock.systemUTC());

        assertThatThrownBy(() -> roundTrip(TrustedCa.trustingOnly(other.caCertificateFile()), "127.0.0.1", "TLSv1.3"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theSystemTrustStoreAloneDoesNotTrustTheHub() throws Exception {
        assertThatThrownBy(() -> roundTrip(SSLContext.getDefault(), "127.0.0.1", "TLSv1.3"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    /** Connects to the server's port on 127.0.0.1 but verifies {@code hostName}, as a client using that name would. */
    private int roundTrip(SSLContext client, String hostName, String protocol) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()), 5_000);
        tcp.setSoTimeout(5_000);
        try (SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(tcp, hostName, server.getLocalPort(),
                true)) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {protocol});
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write(42);
            out.flush();
            return tls.getInputStream().read();
        }
    }

    private void echoOneByteForever() {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(5_000);
                InputStream in = connection.getInputStream();
                int value = in.read();
                connection.getOutputStream().write(value);
                connection.getOutputStream().flush();
            } catch (IOException e) {
                // A refused handshake ends that connection only; closing the server ends the loop.
            }
        }
    }

    private static SSLContext serverContext(HubCertificates certificates) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", Pem.readPrivateKey(certificates.serverKeyFile()), new char[0],
                new Certificate[] {Pem.readCertificate(certificates.serverCertificateFile())});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }
}
