package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Wrong keys and wrong tokens are refused on both sides, in the ways the SDKs report as authentication errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticationEndToEndTest {
    private static final String WRONG_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @RegisterExtension
    static final TestHub hub = TestHub.builder().forDevices().build();

    @Test
    void deviceWithTheWrongKeyIsRefusedAndNotConnected() {
        DeviceClient device = hub.deviceWithConnectionString("HostName=" + hub.hub.bindAddress() + ";DeviceId=MyJavaDevice;SharedAccessKey=" + WRONG_KEY);

        assertThatThrownBy(() -> device.open(false))
                .isInstanceOf(IotHubClientException.class)
                .satisfies(e -> assertThat(((IotHubClientException) e).getStatusCode())
                        .isEqualTo(IotHubStatusCode.UNAUTHORIZED));
        assertThat(hub.hub.isDeviceConnected("MyJavaDevice")).isFalse();
    }

    @Test
    void unknownDeviceIsRefused() {
        DeviceClient device = hub.deviceWithConnectionString("HostName=" + hub.hub.bindAddress() + ";DeviceId=ghost;SharedAccessKey=" + WRONG_KEY);

        assertThatThrownBy(() -> device.open(false))
                .isInstanceOf(IotHubClientException.class)
                .satisfies(e -> assertThat(((IotHubClientException) e).getStatusCode())
                        .isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    }

    @Test
    void serviceCallWithTheWrongKeyIs401() {
        DirectMethodsClient client = hub.methodsClient("service", WRONG_KEY);

        assertThatThrownBy(() -> client.invoke("MyJavaDevice", "SetTelemetryInterval", options()))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    @Test
    void expiredServiceTokenIs401() {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        String expired = SasSigner.sign(service.primaryKey(), hub.hub.hostName(),
                Instant.now().minusSeconds(60).getEpochSecond(), service.name());
        DirectMethodsClient client = new DirectMethodsClient(hub.hub.serviceHost(), new AzureSasCredential(expired));

        assertThatThrownBy(() -> client.invoke("MyJavaDevice", "SetTelemetryInterval", options()))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    @Test
    void policyWithoutServiceConnectCannotInvokeMethods() {
        DirectMethodsClient client = hub.methodsClient("registryRead");

        assertThatThrownBy(() -> client.invoke("MyJavaDevice", "SetTelemetryInterval", options()))
                .isInstanceOf(IotHubUnauthorizedException.class)
                .hasMessageContaining("SERVICE_CONNECT");
    }

    @Test
    void tokenForAnotherHubIs401() {
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        String otherHub = SasSigner.sign(service.primaryKey(), "other-hub.azure-devices.net",
                Instant.now().plusSeconds(600).getEpochSecond(), service.name());
        DirectMethodsClient client = new DirectMethodsClient(hub.hub.serviceHost(), new AzureSasCredential(otherHub));

        assertThatThrownBy(() -> client.invoke("MyJavaDevice", "SetTelemetryInterval", options()))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    private static DirectMethodRequestOptions options() {
        return DirectMethodRequestOptions.builder().payload(10)
                .methodResponseTimeoutSeconds(5).methodConnectTimeoutSeconds(0).build();
    }
}
