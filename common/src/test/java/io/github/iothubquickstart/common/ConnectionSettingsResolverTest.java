package io.github.iothubquickstart.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.security.KeyStore;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class ConnectionSettingsResolverTest {

    static final String KEY = ConnectionStringTest.KEY;
    static final String FROM_OPTION = "HostName=option.example.com;DeviceId=opt;SharedAccessKey=" + KEY;
    static final String FROM_ENV = "HostName=env.example.com;DeviceId=env;SharedAccessKey=" + KEY;
    static final String LOCAL = "HostName=127.0.0.1;DeviceId=local;SharedAccessKey=" + KEY;

    private final LocalHubFallback<DeviceConnectionSettings> localHub =
            () -> DeviceConnectionSettings.of(DeviceConnectionString.parse(LOCAL), defaultTrust());

    private static X509TrustManager defaultTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Environment env(Map<String, String> variables) {
        return variables::get;
    }

    @Test
    void optionWinsOverEnvironmentAndLocalHub() throws Exception {
        var resolver = ConnectionSettingsResolver.forDevice(
                env(Map.of("IOTHUB_DEVICE_CONNECTION_STRING", FROM_ENV)), localHub);

        DeviceConnectionSettings settings = resolver.resolve(FROM_OPTION);

        assertThat(settings.connectionString().deviceId()).isEqualTo("opt");
        assertThat(settings.sslContext()).isEmpty();
    }

    @Test
    void environmentWinsOverLocalHub() throws Exception {
        var resolver = ConnectionSettingsResolver.forDevice(
                env(Map.of("IOTHUB_DEVICE_CONNECTION_STRING", FROM_ENV)), localHub);

        assertThat(resolver.resolve(null).connectionString().deviceId()).isEqualTo("env");
    }

    @Test
    void localHubIsTheLastResortAndMayCarryAnSslContext() throws Exception {
        var resolver = ConnectionSettingsResolver.forDevice(env(Map.of()), localHub);

        DeviceConnectionSettings settings = resolver.resolve(null);

        assertThat(settings.connectionString().deviceId()).isEqualTo("local");
        assertThat(settings.sslContext()).isPresent();
    }

    @Test
    void blankEnvironmentVariableCountsAsUnset() throws Exception {
        var resolver = ConnectionSettingsResolver.forDevice(
                env(Map.of("IOTHUB_DEVICE_CONNECTION_STRING", "  ")), localHub);

        assertThat(resolver.resolve(null).connectionString().deviceId()).isEqualTo("local");
    }

    @Test
    void deviceReadsOnlyItsOwnVariable() throws Exception {
        var resolver = ConnectionSettingsResolver.forDevice(
                env(Map.of("IOTHUB_CONNECTION_STRING", FROM_ENV)), localHub);

        assertThat(resolver.resolve(null).connectionString().deviceId()).isEqualTo("local");
    }

    @Test
    void badOptionIsNotSilentlyReplacedByTheEnvironment() {
        var resolver = ConnectionSettingsResolver.forDevice(
                env(Map.of("IOTHUB_DEVICE_CONNECTION_STRING", FROM_ENV)), localHub);

        assertThatThrownBy(() -> resolver.resolve("HostName=x.example.com;DeviceId=d"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("bad connection string from --connection-string: the connection string is missing"
                        + " SharedAccessKey (expected " + DeviceConnectionString.EXAMPLE + ")");
    }

    @Test
    void badEnvironmentVariableIsNamedInTheError() {
        var resolver = ConnectionSettingsResolver.forService(
                env(Map.of("IOTHUB_CONNECTION_STRING", "HostName=h.example.com;SharedAccessKey=" + KEY)),
                () -> {
                    throw new AssertionError("fallback must not be used");
                });

        assertThatThrownBy(() -> resolver.resolve(null))
                .hasMessageStartingWith("bad connection string from IOTHUB_CONNECTION_STRING:")
                .hasMessageContaining("missing SharedAccessKeyName");
    }

    @Test
    void serviceResolvesFromItsVariable() throws Exception {
        var resolver = ConnectionSettingsResolver.forService(
                env(Map.of("IOTHUB_CONNECTION_STRING",
                        "HostName=127.0.0.1:8443;SharedAccessKeyName=service;SharedAccessKey=" + KEY)),
                () -> {
                    throw new ConfigurationException("unused");
                });

        ServiceConnectionSettings settings = resolver.resolve(null);

        assertThat(settings.connectionString().hostNameWithPort()).isEqualTo("127.0.0.1:8443");
        assertThat(settings.sslContext()).isEmpty();
    }

    @Test
    void fallbackErrorReachesTheCaller() {
        var resolver = ConnectionSettingsResolver.forDevice(env(Map.of()), () -> {
            throw new ConfigurationException("no local hub is running");
        });

        assertThatThrownBy(() -> resolver.resolve(null)).hasMessage("no local hub is running");
    }
}
