package io.github.iothubquickstart.localhub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.CaCertificate;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryProvisioningStore;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * X.509 attestation in the DPS core: what attests a registration (the leaf's CN is the registration id; an individual
 * enrollment's primary or secondary certificate; a chain to a group's signing certificate or to a trusted CA its
 * caReferences name) and what the created identity authenticates with; every refusal is 401002.
 */
class CertificateAttestationTest {
    private static final String SCOPE = "0ne0000ABCD";
    private static final Instant NOW = Instant.now();
    private static final Instant BEFORE = NOW.minus(Duration.ofDays(30));
    private static final Instant AFTER = NOW.plus(Duration.ofDays(30));
    private static final ClientCertificates.Issued ROOT = ClientCertificates.rootCa("root", BEFORE, AFTER);
    private static final ClientCertificates.Issued INTERMEDIATE =
            ClientCertificates.intermediateCa(ROOT, "intermediate", BEFORE, AFTER);

    private final TestClock clock = new TestClock(NOW);
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final InMemoryProvisioningStore store = new InMemoryProvisioningStore();
    private final ProvisioningService service = new ProvisioningService(store, SCOPE, clock);
    private final List<CaCertificate> trustedCas = new ArrayList<>();
    private final DeviceRegistrations registrations = new DeviceRegistrations(service, store,
            new RegistryService(registry, new RecordingPresence(clock.instant())),
            new TwinService(new InMemoryTwinStore(registry, clock), (id, patch, version) -> { }, clock),
            new SasVerifier(clock), "hub.example", clock, () -> List.copyOf(trustedCas));

    @Test
    void theSecondaryCertificateOfAnIndividualEnrollmentAttestsToo() {
        ClientCertificates.Issued primary = ClientCertificates.selfSigned("cam-1", BEFORE, AFTER);
        ClientCertificates.Issued secondary = ClientCertificates.selfSigned("cam-1", BEFORE, AFTER);
        service.putIndividualEnrollment("cam-1", "camera-one", EnrollmentSettings.of(Attestation.x509(
                X509Attestation.clientCertificates(new X509Certificates(pem(primary.certificate()),
                        base64Der(secondary.certificate()))))), null);

        AttestedDevice device = registrations.authenticateCertificate(SCOPE, "cam-1", secondary.chain());
        registrations.register(device, "cam-1", null);

        DeviceIdentity identity = registry.findDevice("camera-one").orElseThrow();
        assertThat(identity.authentication().type()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(identity.authentication().primaryThumbprint())
                .isEqualTo(ClientCertificates.sha1Thumbprint(secondary.certificate()));
    }

    @Test
    void aGroupsDevicesChainToItsSigningIntermediateAndGetTheirLeafsThumbprint() {
        service.putEnrollmentGroup("line-4", signing(INTERMEDIATE), null);
        ClientCertificates.Issued leaf = ClientCertificates.leaf(INTERMEDIATE, "press-9", BEFORE, AFTER);

        AttestedDevice device = registrations.authenticateCertificate(SCOPE, "press-9", leaf.chain());
        registrations.register(device, "press-9", null);

        assertThat(device.enrollmentGroupId()).isEqualTo("line-4");
        DeviceIdentity identity = registry.findDevice("press-9").orElseThrow();
        assertThat(identity.authentication().type()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(identity.authentication().primaryThumbprint())
                .isEqualTo(ClientCertificates.sha1Thumbprint(leaf.certificate()));
    }

    @Test
    void aCaReferenceAttestsOnlyWhileTheHubTrustsThatCaAndMakesACertificateAuthorityDevice() {
        service.putEnrollmentGroup("fleet", EnrollmentSettings.of(Attestation.x509(
                X509Attestation.caReferences(new X509CaReferences("fleet-root", null)))), null);
        ClientCertificates.Issued leaf = ClientCertificates.leaf(ROOT, "truck-2", BEFORE, AFTER);

        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "truck-2", leaf.chain()));
        trustedCas.add(new CaCertificate("another-name", ROOT.certificate(), NOW));
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "truck-2", leaf.chain()));
        trustedCas.add(new CaCertificate("fleet-root", ROOT.certificate(), NOW));

        AttestedDevice device = registrations.authenticateCertificate(SCOPE, "truck-2", leaf.chain());
        registrations.register(device, "truck-2", null);

        assertThat(registry.findDevice("truck-2").orElseThrow().authentication().type())
                .isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
    }

    @Test
    void everyRefusalIs401002() {
        ClientCertificates.Issued enrolled = ClientCertificates.selfSigned("cam-1", BEFORE, AFTER);
        service.putIndividualEnrollment("cam-1", null, EnrollmentSettings.of(Attestation.x509(
                X509Attestation.clientCertificates(new X509Certificates(pem(enrolled.certificate()), null)))), null);
        service.putIndividualEnrollment("sensor-1", null,
                EnrollmentSettings.of(Attestation.symmetricKey(
                        "c2VjcmV0LWtleS1vZi10aGUtZW5yb2xsbWVudC0xMjM0NQ==", null)), null);
        service.putEnrollmentGroup("line-4", signing(INTERMEDIATE), null);

        // The CN is not the registration id the device asks for (the chain itself would do for the group).
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "press-6",
                ClientCertificates.leaf(INTERMEDIATE, "press-5", BEFORE, AFTER).chain()));
        // Another certificate with the enrolled CN.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "cam-1",
                ClientCertificates.selfSigned("cam-1", BEFORE, AFTER).chain()));
        // A symmetric key enrollment takes no certificate, even one a group would take.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "sensor-1",
                ClientCertificates.leaf(INTERMEDIATE, "sensor-1", BEFORE, AFTER).chain()));
        // Not yet valid, expired.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "press-1",
                ClientCertificates.leaf(INTERMEDIATE, "press-1", AFTER, AFTER.plusSeconds(60)).chain()));
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "press-1",
                ClientCertificates.leaf(INTERMEDIATE, "press-1", BEFORE, NOW.minusSeconds(1)).chain()));
        // The group's intermediate presented as the device's own certificate.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "intermediate",
                INTERMEDIATE.chain()));
        // A leaf signed by the root alone does not chain to the group's intermediate.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "press-2",
                ClientCertificates.leaf(ROOT, "press-2", BEFORE, AFTER).chain()));
        // No certificate, another ID scope.
        assertUnauthorized(() -> registrations.authenticateCertificate(SCOPE, "cam-1", List.of()));
        assertUnauthorized(() -> registrations.authenticateCertificate("0ne00000000", "cam-1", enrolled.chain()));
        assertThat(registry.findDevice("cam-1")).isEmpty();
    }

    private static EnrollmentSettings signing(ClientCertificates.Issued ca) {
        return EnrollmentSettings.of(Attestation.x509(X509Attestation.signingCertificates(
                new X509Certificates(pem(ca.certificate()), null))));
    }

    private static void assertUnauthorized(Executable call) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(IotHubError.class,
                error -> assertThat(error.errorCode()).isEqualTo(401002));
    }

    private static String pem(X509Certificate certificate) {
        return "-----BEGIN CERTIFICATE-----\n" + base64Der(certificate) + "\n-----END CERTIFICATE-----\n";
    }

    private static String base64Der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
