package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The unmodified {@code ProvisioningDeviceClient} registers with the hub's Device Provisioning Service over AMQPS
 * (5671), AMQPS_WS and HTTPS (both on 443, where the SDK opens them), with a symmetric key: through an individual
 * enrollment and through an enrollment group (the device's key derived from the group's), then a {@code DeviceClient}
 * made from the result connects to the assigned hub and sends telemetry. A wrong key and a disabled enrollment are
 * refused, and no identity is created. (MQTT and MQTT_WS: the provisioning core's own tests.) The individual
 * enrollment runs on every transport here; the group and the refusals on some (the key derivation and the decisions are
 * the core's, unit-tested in DeviceRegistrationsTest; each transport's refusal path is run at least once: SASL for
 * AMQP, 401 for HTTPS).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisioningOverAmqpAndHttpsEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"AMQPS", "AMQPS_WS", "HTTPS"})
    void anIndividualEnrollmentRegistersAndTheAssignedDeviceSendsTelemetry(
            ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("individual", protocol);
        String key = newKey();
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(key, newKey())), null);

        ProvisioningDeviceClientRegistrationResult result = register(protocol, registrationId, key);

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(hub.hub.hostName());
        assertThat(result.getDeviceId()).isEqualTo(registrationId);
        assertThat(result.getRegistrationId()).isEqualTo(registrationId);
        assertTelemetryArrivesFrom(result, key, protocol);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"AMQPS"})
    void aDeviceOfAnEnrollmentGroupRegistersWithItsDerivedKey(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String groupKey = newKey();
        hub.hub.provisioning().putEnrollmentGroup(id("group", protocol),
                EnrollmentSettings.of(Attestation.symmetricKey(groupKey, newKey())), null);
        String registrationId = id("group-member", protocol);
        String derivedKey = new String(SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
                groupKey.getBytes(StandardCharsets.UTF_8), registrationId), StandardCharsets.UTF_8);

        ProvisioningDeviceClientRegistrationResult result = register(protocol, registrationId, derivedKey);

        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getDeviceId()).isEqualTo(registrationId);
        assertTelemetryArrivesFrom(result, derivedKey, protocol);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"AMQPS", "HTTPS"})
    void aWrongKeyIsRefusedAndNoDeviceIsCreatedUntilTheRightOneComes(
            ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("wrong-key", protocol);
        String key = newKey();
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(key, newKey())), null);

        assertThatThrownBy(() -> register(protocol, registrationId, newKey()))
                .isInstanceOf(ProvisioningDeviceClientException.class);
        assertThat(hub.hub.identity().registry().findDevice(registrationId)).isEmpty();
        assertThat(hub.hub.provisioning().registrationState(registrationId)).isEmpty();

        assertThat(register(protocol, registrationId, key).getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"HTTPS"})
    void aDisabledEnrollmentIsRefusedAndNoDeviceIsCreated(ProvisioningDeviceClientTransportProtocol protocol) {
        String registrationId = id("disabled", protocol);
        String key = newKey();
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(key, newKey()))
                        .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        assertThatThrownBy(() -> register(protocol, registrationId, key))
                .isInstanceOf(ProvisioningDeviceClientException.class)
                .hasMessageContaining("disabled");
        assertThat(hub.hub.identity().registry().findDevice(registrationId)).isEmpty();
    }

    /** Registers as the SDK's samples do, the security provider trusting the hub's CA and nothing else. */
    private static ProvisioningDeviceClientRegistrationResult register(
            ProvisioningDeviceClientTransportProtocol protocol, String registrationId, String key) throws Exception {
        SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(
                key.getBytes(StandardCharsets.UTF_8), registrationId) {
            @Override
            public SSLContext getSSLContext() {
                return TrustedCa.trustingOnly(hub.hub.caCertificateFile());
            }
        };
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(hub.hub.hostName(), hub.hub.idScope(),
                protocol, security);
        try {
            return client.registerDeviceSync(60);
        } finally {
            client.close();
        }
    }

    /** A DeviceClient of the assigned device, on the matching device protocol, sends a message that arrives. */
    private static void assertTelemetryArrivesFrom(ProvisioningDeviceClientRegistrationResult result, String key,
                                                   ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String connectionString = "HostName=" + result.getIothubUri() + ";DeviceId=" + result.getDeviceId()
                + ";SharedAccessKey=" + key;
        IotHubClientProtocol deviceProtocol = IotHubClientProtocol.valueOf(protocol.name());
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            DeviceClient device = hub.deviceWithConnectionString(connectionString, deviceProtocol);
            device.open(false);
            device.sendEvent(new Message("{\"provisioned\":true}".getBytes(StandardCharsets.UTF_8)));
            TelemetryMessage stored = received.poll(15, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.deviceId()).isEqualTo(result.getDeviceId());
            assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("{\"provisioned\":true}");
        } finally {
            hub.closeDevices();
        }
    }

    private static String id(String base, ProvisioningDeviceClientTransportProtocol protocol) {
        return "dps-" + base + "-" + protocol.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
