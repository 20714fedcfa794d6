package io.github.iothubquickstart.localhub.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub serves TLS with Vert.x straight from server.pem and server-key.pem: prove those files load there. */
class VertxPemTlsTest {

    @TempDir
    Path dir;

    @Test
    void vertxServesTheGeneratedPemFiles() throws Exception {
        HubCertificates certificates = HubCertificates.loadOrCreate(dir, List.of(), Clock.systemUTC());
        Vertx vertx = Vertx.vertx();
        try {
            NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(certificates.serverCertificateFile().toString())
                            .setKeyPath(certificates.serverKeyFile().toString())))
                    .connectHandler(socket -> socket.handler(socket::write));
            int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).actualPort();

            Socket tcp = new Socket();
            tcp.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
            tcp.setSoTimeout(5_000);
            try (SSLSocket tls = (SSLSocket) TrustedCa.trustingOnly(certificates.caCertificateFile())
                    .getSocketFactory().createSocket(tcp, "localhost", port, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.getOutputStream().write(7);
                tls.getOutputStream().flush();
                assertThat(tls.getInputStream().read()).isEqualTo(7);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
