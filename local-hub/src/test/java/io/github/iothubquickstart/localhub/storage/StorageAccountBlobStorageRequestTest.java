package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.SharedKey;
import io.github.iothubquickstart.localhub.blobs.StorageAccount;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The requests the hub sends a storage account, as that account sees them (a plain-HTTP endpoint on loopback, as a
 * local Azurite may be): an RFC 1123 {@code x-ms-date} with a two-digit day, and a Shared Key signature the
 * account's key verifies.
 */
class StorageAccountBlobStorageRequestTest {

    @Test
    void signsItsRequestsWithTheAccountKeyAndAnRfc1123Date() throws Exception {
        AtomicReference<Map<String, String>> seen = new AtomicReference<>();
        AtomicReference<String> path = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    String.join(",", values)));
            seen.set(headers);
            path.set(exchange.getRequestURI().getRawPath());
            exchange.getResponseHeaders().add("Content-Length", "42");
            exchange.getResponseHeaders().add("Last-Modified", "Sun, 06 Dec 2026 10:00:00 GMT");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
            StorageConnectionString account = StorageConnectionString.parse("AccountName=acct;AccountKey=" + key
                    + ";BlobEndpoint=http://127.0.0.1:" + server.getAddress().getPort() + "/acct");
            Instant sixthOfDecember = Instant.parse("2026-12-06T10:00:00Z");
            StorageAccountBlobStorage storage = new StorageAccountBlobStorage(account, SSLContext.getDefault(),
                    Clock.fixed(sixthOfDecember, ZoneOffset.UTC));

            Optional<BlobProperties> properties = storage.properties("uploads", "device/a b.txt")
                    .get(10, TimeUnit.SECONDS);

            assertThat(properties).contains(new BlobProperties(42, sixthOfDecember));
            assertThat(path.get()).isEqualTo("/acct/uploads/device/a%20b.txt");
            Map<String, String> headers = seen.get();
            assertThat(headers.get("x-ms-date")).isEqualTo("Sun, 06 Dec 2026 10:00:00 GMT");
            SharedKey.verify(new StorageAccount("acct", key), headers.get("authorization"), "HEAD", path.get(), null,
                    headers, sixthOfDecember);
        } finally {
            server.stop(0);
        }
    }
}
