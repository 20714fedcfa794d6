package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The service clients outlive their tokens: here tokens last 4 s, and a call 6 s in still gets through. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceTokenRenewalTest {
    private static final Duration VALIDITY = Duration.ofSeconds(4);

    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.builder().serviceTokenValidity(VALIDITY).build();

    @Test
    void serviceClientsStillWorkAfterTheirFirstTokenExpired() throws Exception {
        hub.deviceConnectionString("long-test");
        String ownerKey = hub.hub().identity().registry().findPolicy("iothubowner").orElseThrow().primaryKey();
        long expiry = Instant.now().plus(VALIDITY).getEpochSecond();
        RegistryClient neverRenewed = new RegistryClient(hub.hub().serviceHost(),
                new AzureSasCredential(SasSigner.sign(ownerKey, hub.hub().hostName(), expiry, "iothubowner")));
        assertThat(neverRenewed.getDevice("long-test").getDeviceId()).isEqualTo("long-test");

        TimeUnit.SECONDS.sleep(VALIDITY.toSeconds() + 2);

        assertThatThrownBy(() -> neverRenewed.getDevice("long-test"))
                .as("a token as old as the extension's first one").isInstanceOf(IotHubUnauthorizedException.class);
        assertThat(hub.registryClient().getDevice("long-test").getDeviceId()).isEqualTo("long-test");
        assertThat(hub.twinClient().get("long-test").getDeviceId()).isEqualTo("long-test");
    }
}
