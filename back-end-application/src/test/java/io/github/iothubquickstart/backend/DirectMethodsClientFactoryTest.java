package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class DirectMethodsClientFactoryTest {

    private static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
    private final DirectMethodsClientFactory factory =
            new DirectMethodsClientFactory(new ServiceSasTokenFactory(Clock.systemUTC()));

    @Test
    void hostWithPortIsAcceptedThroughTheCredentialConstructor() throws Exception {
        String withPort = "HostName=127.0.0.1:8443;SharedAccessKeyName=service;SharedAccessKey=" + KEY;
        // The SDK's connection string parser refuses a port: this is why the factory goes another way.
        assertThatThrownBy(() -> new DirectMethodsClient(withPort)).isInstanceOf(IllegalArgumentException.class);

        DirectMethodsClient client = factory.create(ServiceConnectionSettings.fromConnectionString(withPort),
                DirectMethodsClientOptions.builder().build());

        assertThat(client).isNotNull();
    }

    @Test
    void azureHostUsesTheConnectionString() throws Exception {
        DirectMethodsClient client = factory.create(ServiceConnectionSettings.fromConnectionString(
                "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=" + KEY),
                DirectMethodsClientOptions.builder().build());

        assertThat(client).isNotNull();
    }
}
