package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service SDK's HTTPS goes through HttpsURLConnection's JVM-wide default; while the extension runs, that
 * default trusts each extension hub's CA for that hub's endpoint, and nothing extra for any other server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceTrustTest {
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @Test
    void defaultHttpsTrustsTheExtensionsHub() throws Exception {
        HttpsURLConnection connection = open("https://" + hub.hub().serviceHost() + "/devices/nobody?api-version=2021-04-12");

        assertThat(connection.getResponseCode()).as("no SAS token sent").isEqualTo(401);
    }

    @Test
    void defaultHttpsDoesNotTrustAnotherHubsSelfMadeCa(@TempDir Path otherData) throws Exception {
        String address = LoopbackAddresses.pickFree(LocalHub.DEFAULT_MQTT_PORT);
        try (LocalHub other = LocalHub.builder().bindAddress(address).dataDirectory(otherData).httpsPort(0).build().start()) {
            HttpsURLConnection connection = open("https://" + other.serviceHost() + "/devices/nobody?api-version=2021-04-12");

            assertThatThrownBy(connection::getResponseCode).isInstanceOf(SSLHandshakeException.class);
        }
    }

    private static HttpsURLConnection open(String url) throws Exception {
        HttpsURLConnection connection = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(5_000);
        return connection;
    }
}
