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
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderX509;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.provisioning.X509Attestation;
import io.github.iothubquickstart.localhub.provisioning.X509CaReferences;
import io.github.iothubquickstart.localhub.provisioning.X509Certificates;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The unmodified {@code ProvisioningDeviceClient} registers with the hub's Device Provisioning Service by X.509
 * attestation (a {@code SecurityProviderX509} whose TLS context presents the device's certificate and trusts the hub's
 * CA only) over MQTT, MQTT_WS, AMQPS and HTTPS: through an individual enrollment holding its certificate, a group
 * holding a signing intermediate, and a group naming a root CA added to the hub ({@code ca-certificate add}); then a
 * {@code DeviceClient} made with the same security provider connects to the assigned hub and sends telemetry.
 * Refused, with no identity created (and the right certificate registering afterwards): a certificate that is not the
 * enrollment's, a chain that does not end at the group's CA, an expired certificate; a disabled enrollment; AMQPS_WS
 * (whose WebSocket says it presents no client certificate). The individual enrollment runs on every transport; the
 * groups and the refusals each on some, so that every transport registers and is refused at least once: the decision
 * itself is one place for all of them ({@code CertificateAttestation}, every refusal unit-tested there).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisioningX509EndToEndTest {
    private static final Instant YEAR_AGO = Instant.now().minus(Duration.ofDays(365));
    private static final Instant YEAR_AHEAD = Instant.now().plus(Duration.ofDays(365));
    private static final ClientCertificates.Issued ROOT = ClientCertificates.rootCa("dps-x509-root", YEAR_AGO,
            YEAR_AHEAD);
    private static final ClientCertificates.Issued INTERMEDIATE = ClientCertificates.intermediateCa(ROOT,
            "dps-x509-intermediate", YEAR_AGO, YEAR_AHEAD);
    private static final ClientCertificates.Issued TRUSTED_ROOT = ClientCertificates.rootCa("dps-x509-trusted-root",
            YEAR_AGO, YEAR_AHEAD);
    private static final String SIGNING_GROUP = "x509-signing-group";
    private static final String CA_GROUP = "x509-ca-group";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @BeforeAll
    static void setUp() {
        hub.hub.provisioning().putEnrollmentGroup(SIGNING_GROUP, EnrollmentSettings.of(Attestation.x509(
                X509Attestation.signingCertificates(new X509Certificates(pem(INTERMEDIATE.certificate()), null)))),
                null);
        hub.hub.identity().caCertificates().add("fleet-root", TRUSTED_ROOT.certificate());
        hub.hub.provisioning().putEnrollmentGroup(CA_GROUP, EnrollmentSettings.of(Attestation.x509(
                X509Attestation.caReferences(new X509CaReferences("fleet-root", null)))), null);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "HTTPS"})
    void anIndividualEnrollmentRegistersItsCertificateAndTheDeviceConnectsWithIt(
            ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("individual", protocol);
        ClientCertificates.Issued device = ClientCertificates.selfSigned(registrationId, YEAR_AGO, YEAR_AHEAD);
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null, individual(device), null);

        ProvisioningDeviceClientRegistrationResult result = register(protocol, device);

        assertAssigned(result, registrationId);
        Authentication authentication = hub.hub.identity().registry().findDevice(registrationId).orElseThrow()
                .authentication();
        assertThat(authentication.type()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(authentication.primaryThumbprint()).isEqualTo(ClientCertificates.sha1Thumbprint(
                device.certificate()));
        assertTelemetryArrivesFrom(result, device);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "AMQPS"})
    void aDeviceSignedByTheGroupsIntermediateRegistersAndConnects(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String registrationId = id("signed", protocol);
        ClientCertificates.Issued device = ClientCertificates.leaf(INTERMEDIATE, registrationId, YEAR_AGO,
                YEAR_AHEAD);

        ProvisioningDeviceClientRegistrationResult result = register(protocol, device);

        assertAssigned(result, registrationId);
        assertThat(hub.hub.provisioning().registrationState(registrationId).orElseThrow().enrollmentGroupId())
                .isEqualTo(SIGNING_GROUP);
        assertTelemetryArrivesFrom(result, device);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT_WS", "HTTPS"})
    void aDeviceSignedByACaTheHubTrustsRegistersAsACertificateAuthorityDevice(
            ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("ca", protocol);
        ClientCertificates.Issued device = ClientCertificates.leaf(TRUSTED_ROOT, registrationId, YEAR_AGO,
                YEAR_AHEAD);

        ProvisioningDeviceClientRegistrationResult result = register(protocol, device);

        assertAssigned(result, registrationId);
        assertThat(hub.hub.provisioning().registrationState(registrationId).orElseThrow().enrollmentGroupId())
                .isEqualTo(CA_GROUP);
        assertThat(hub.hub.identity().registry().findDevice(registrationId).orElseThrow().authentication().type())
                .isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
        assertTelemetryArrivesFrom(result, device);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT"})
    void aCertificateThatIsNotTheEnrollmentsIsRefusedAndTheEnrolledOneIsNot(
            ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("other-certificate", protocol);
        ClientCertificates.Issued enrolled = ClientCertificates.selfSigned(registrationId, YEAR_AGO, YEAR_AHEAD);
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null, individual(enrolled), null);

        assertRefused(protocol, ClientCertificates.selfSigned(registrationId, YEAR_AGO, YEAR_AHEAD));
        assertAssigned(register(protocol, enrolled), registrationId);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"AMQPS"})
    void aChainThatDoesNotEndAtAGroupsCaIsRefused(ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        String registrationId = id("untrusted", protocol);
        ClientCertificates.Issued otherRoot = ClientCertificates.rootCa("dps-x509-unknown-root", YEAR_AGO,
                YEAR_AHEAD);
        ClientCertificates.Issued otherIntermediate = ClientCertificates.intermediateCa(otherRoot,
                "dps-x509-intermediate", YEAR_AGO, YEAR_AHEAD);

        assertRefused(protocol, ClientCertificates.leaf(otherIntermediate, registrationId, YEAR_AGO, YEAR_AHEAD));
        assertAssigned(register(protocol, ClientCertificates.leaf(INTERMEDIATE, registrationId, YEAR_AGO,
                YEAR_AHEAD)), registrationId);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"HTTPS"})
    void anExpiredCertificateIsRefused(ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String registrationId = id("expired", protocol);
        ClientCertificates.Issued expired = ClientCertificates.selfSigned(registrationId, YEAR_AGO,
                Instant.now().minus(Duration.ofDays(1)));
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null, individual(expired), null);
        String memberId = id("expired-member", protocol);

        assertRefused(protocol, expired);
        assertRefused(protocol, ClientCertificates.leaf(INTERMEDIATE, memberId, YEAR_AGO,
                Instant.now().minus(Duration.ofDays(1))));
        assertAssigned(register(protocol, ClientCertificates.leaf(INTERMEDIATE, memberId, YEAR_AGO, YEAR_AHEAD)),
                memberId);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"AMQPS"})
    void aDisabledEnrollmentIsRefused(ProvisioningDeviceClientTransportProtocol protocol) {
        String registrationId = id("disabled", protocol);
        ClientCertificates.Issued device = ClientCertificates.selfSigned(registrationId, YEAR_AGO, YEAR_AHEAD);
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                individual(device).withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        assertThatThrownBy(() -> register(protocol, device))
                .isInstanceOf(ProvisioningDeviceClientException.class)
                .hasMessageContaining("disabled");
        assertThat(hub.hub.identity().registry().findDevice(registrationId)).isEmpty();
    }

    /**
     * The provisioning SDK's AMQP WebSocket always asks with {@code iothub-no-client-cert=true}: the certificate its
     * handshake carried attests nothing, as on the hub's own AMQPS_WS.
     */
    @Test
    void overAmqpsWebSocketsTheCertificateAttestsNothing() {
        String registrationId = id("individual", ProvisioningDeviceClientTransportProtocol.AMQPS_WS);
        ClientCertificates.Issued device = ClientCertificates.selfSigned(registrationId, YEAR_AGO, YEAR_AHEAD);
        hub.hub.provisioning().putIndividualEnrollment(registrationId, null, individual(device), null);

        assertRefused(ProvisioningDeviceClientTransportProtocol.AMQPS_WS, device);
    }

    private static void assertRefused(ProvisioningDeviceClientTransportProtocol protocol,
                                      ClientCertificates.Issued device) {
        String registrationId = device.certificate().getSubjectX500Principal().getName().replaceFirst("^CN=", "");
        assertThatThrownBy(() -> register(protocol, device)).isInstanceOf(ProvisioningDeviceClientException.class);
        assertThat(hub.hub.identity().registry().findDevice(registrationId)).isEmpty();
        assertThat(hub.hub.provisioning().registrationState(registrationId)).isEmpty();
    }

    private static void assertAssigned(ProvisioningDeviceClientRegistrationResult result, String registrationId) {
        assertThat(result.getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(result.getIothubUri()).isEqualTo(hub.hub.hostName());
        assertThat(result.getRegistrationId()).isEqualTo(registrationId);
        assertThat(result.getDeviceId()).isEqualTo(registrationId);
    }

    private static ProvisioningDeviceClientRegistrationResult register(
            ProvisioningDeviceClientTransportProtocol protocol, ClientCertificates.Issued device) throws Exception {
        ProvisioningDeviceClient client = ProvisioningDeviceClient.create(hub.hub.hostName(), hub.hub.idScope(),
                protocol, securityProvider(device));
        try {
            return client.registerDeviceSync(60);
        } finally {
            client.close();
        }
    }

    /** The device's certificate, key and intermediates as the SDK's samples hold them; TLS trusts the hub's CA only. */
    private static SecurityProviderX509 securityProvider(ClientCertificates.Issued device) {
        return new SecurityProviderX509() {
            @Override
            public String getClientCertificateCommonName() {
                return device.certificate().getSubjectX500Principal().getName().replaceFirst("^CN=", "");
            }

            @Override
            public X509Certificate getClientCertificate() {
                return device.certificate();
            }

            @Override
            public Key getClientPrivateKey() {
                return device.privateKey();
            }

            @Override
            public Collection<X509Certificate> getIntermediateCertificatesChain() {
                return device.chain().subList(1, device.chain().size());
            }

            @Override
            public SSLContext getSSLContext() {
                return hub.presenting(device);
            }
        };
    }

    /** A DeviceClient of the assigned device, made with the same security provider, sends a message that arrives. */
    private static void assertTelemetryArrivesFrom(ProvisioningDeviceClientRegistrationResult result,
                                                   ClientCertificates.Issued certificate) throws Exception {
        BlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        DeviceClient device = new DeviceClient(result.getIothubUri(), result.getDeviceId(),
                securityProvider(certificate), IotHubClientProtocol.MQTT);
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            device.open(false);
            device.sendEvent(new Message("{\"provisioned\":\"x509\"}".getBytes(StandardCharsets.UTF_8)));
            TelemetryMessage stored = received.poll(15, TimeUnit.SECONDS);
            assertThat(stored).isNotNull();
            assertThat(stored.deviceId()).isEqualTo(result.getDeviceId());
            assertThat(new String(stored.body(), StandardCharsets.UTF_8)).isEqualTo("{\"provisioned\":\"x509\"}");
        } finally {
            device.close();
        }
    }

    private static EnrollmentSettings individual(ClientCertificates.Issued device) {
        return EnrollmentSettings.of(Attestation.x509(X509Attestation.clientCertificates(
                new X509Certificates(pem(device.certificate()), null))));
    }

    /** As the service SDK sends a certificate: PEM text. */
    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(String base, ProvisioningDeviceClientTransportProtocol protocol) {
        return "dps-x509-" + base + "-" + protocol.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
