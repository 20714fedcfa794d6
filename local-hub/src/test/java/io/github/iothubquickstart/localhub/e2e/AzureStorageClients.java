package io.github.iothubquickstart.localhub.e2e;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/** The Azure Storage SDK's own HTTP client (Netty), trusting the hub's CA and nothing else. */
final class AzureStorageClients {
    private AzureStorageClients() {
    }

    static HttpClient trusting(Path caCertificate) {
        try {
            SslContext ssl = SslContextBuilder.forClient().trustManager(caCertificate.toFile()).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                    .secure(spec -> spec.sslContext(ssl))).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot trust " + caCertificate, e);
        }
    }
}
