package io.github.iothubquickstart.localhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.IotHubConnectionString;
import com.microsoft.azure.sdk.iot.service.auth.IotHubConnectionStringBuilder;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionStringsTest {

    private final DeviceIdentity device = new DeviceIdentity("MyJavaDevice", SymmetricKeys.random(),
            SymmetricKeys.random(), true, Instant.EPOCH);
    private final SharedAccessPolicy policy = new SharedAccessPolicy("service", SymmetricKeys.random(),
            SymmetricKeys.random(), Set.of(AccessRight.SERVICE_CONNECT));

    @Test
    void deviceConnectionStringParsesInTheDeviceSdk() {
        String connectionString = ConnectionStrings.device("127.0.0.1", device);

        assertThat(connectionString)
                .isEqualTo("HostName=127.0.0.1;DeviceId=MyJavaDevice;SharedAccessKey=" + device.primaryKey());
        IotHubConnectionString parsed = new IotHubConnectionString(connectionString);
        assertThat(parsed.getDeviceId()).isEqualTo("MyJavaDevice");
        assertThat(parsed.getSharedAccessKey()).isEqualTo(device.primaryKey());
    }

    @Test
    void deviceConnectionStringWithGateway() {
        IotHubConnectionString parsed = new IotHubConnectionString(
                ConnectionStrings.device("myhub.local.example", "localhost", device));

        assertThat(parsed.getHostName()).isEqualTo("myhub.local.example");
        assertThat(parsed.getGatewayHostName()).isEqualTo("localhost");
    }

    @Test
    void serviceConnectionStringParsesInTheServiceSdk() throws Exception {
        String connectionString = ConnectionStrings.service("127.0.0.1", policy);

        assertThat(connectionString).isEqualTo(
                "HostName=127.0.0.1;SharedAccessKeyName=service;SharedAccessKey=" + policy.primaryKey());
        assertThat(IotHubConnectionStringBuilder.createIotHubConnectionString(connectionString).getHostName())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void refusesHostNamesThatWouldBreakTheFormat() {
        assertThatThrownBy(() -> ConnectionStrings.device("a;b", device)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectionStrings.service("", policy)).isInstanceOf(IllegalArgumentException.class);
    }
}
