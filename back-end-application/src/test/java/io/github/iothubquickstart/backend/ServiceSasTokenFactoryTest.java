package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.auth.IotHubConnectionStringBuilder;
import com.microsoft.azure.sdk.iot.service.auth.IotHubServiceSasToken;
import io.github.iothubquickstart.common.ServiceConnectionString;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ServiceSasTokenFactoryTest {

    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";

    @Test
    void matchesTheServiceSdksOwnToken() throws Exception {
        String connectionString = "HostName=MyHub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=" + KEY;
        IotHubServiceSasToken sdkToken = new IotHubServiceSasToken(
                IotHubConnectionStringBuilder.createIotHubConnectionString(connectionString));
        long expiry = sdkToken.getExpiryTimeMillis() / 1000;
        Clock clock = Clock.fixed(Instant.ofEpochSecond(expiry - 3600), ZoneOffset.UTC);

        String ours = new ServiceSasTokenFactory(clock).create(ServiceConnectionString.parse(connectionString),
                Duration.ofHours(1));

        assertThat(ours).isEqualTo(sdkToken.toString());
    }

    @Test
    void signsTheHostWithoutThePort() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
        ServiceSasTokenFactory factory = new ServiceSasTokenFactory(clock);

        String withPort = factory.create(ServiceConnectionString.of("127.0.0.1:8443", "service", KEY), Duration.ofHours(1));
        String withoutPort = factory.create(ServiceConnectionString.of("127.0.0.1", "service", KEY), Duration.ofHours(1));

        assertThat(withPort).isEqualTo(withoutPort)
                .startsWith("SharedAccessSignature sr=127.0.0.1&sig=")
                .endsWith("&se=1800003600&skn=service");
    }
}
