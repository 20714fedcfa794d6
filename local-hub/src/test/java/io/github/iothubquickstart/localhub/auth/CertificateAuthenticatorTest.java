package io.github.iothubquickstart.localhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CertificateAuthenticatorTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Instant YEAR_AGO = NOW.minus(Duration.ofDays(365));
    private static final Instant YEAR_AHEAD = NOW.plus(Duration.ofDays(365));
    private static final ClientCertificates.Issued ROOT = ClientCertificates.rootCa("Fleet Root", YEAR_AGO, YEAR_AHEAD);
    private static final ClientCertificates.Issued INTERMEDIATE =
            ClientCertificates.intermediateCa(ROOT, "Fleet Intermediate", YEAR_AGO, YEAR_AHEAD);

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(Clock.systemUTC());
    private final List<X509Certificate> trusted = new ArrayList<>();
    private final CertificateAuthenticator authenticator =
            new CertificateAuthenticator(registry, registry, () -> List.copyOf(trusted));

    @Test
    void aSelfSignedDeviceLogsInWithTheCertificateOfItsSha1Thumbprint() {
        ClientCertificates.Issued certificate = selfSigned("camera");
        registry.createDevice("camera", Authentication.selfSigned(ClientCertificates.sha1Thumbprint(
                certificate.certificate()), null));

        DeviceAuthenticator.Outcome outcome = authenticate(IdentityId.device("camera"), certificate);

        assertThat(outcome.accepted()).as(outcome.reason()).isTrue();
        assertThat(outcome.identity()).contains(IdentityId.device("camera"));
        assertThat(outcome.generationId()).isEqualTo(registry.findDevice("camera").orElseThrow().generationId());
        assertThat(outcome.expiresAtEpochSecond()).isEqualTo(YEAR_AHEAD.getEpochSecond());
    }

    @Test
    void theSha256ThumbprintInLowerCaseAsTheSecondaryOneLetsItInToo() {
        ClientCertificates.Issued certificate = selfSigned("meter");
        registry.createDevice("meter", Authentication.selfSigned("AB".repeat(32),
                ClientCertificates.sha256Thumbprint(certificate.certificate()).toLowerCase()));

        assertThat(authenticate(IdentityId.device("meter"), certificate).accepted()).isTrue();
    }

    @Test
    void aCertificateOfNeitherThumbprintIsAnUnknownThumbprint() {
        registry.createDevice("camera", Authentication.selfSigned(ClientCertificates.sha1Thumbprint(
                selfSigned("camera").certificate()), null));

        DeviceAuthenticator.Outcome outcome = authenticate(IdentityId.device("camera"), selfSigned("camera"));

        assertRefused(outcome, "unknown thumbprint");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefusedThoughItsThumbprintMatches() {
        ClientCertificates.Issued expired = ClientCertificates.selfSigned("old", YEAR_AGO, NOW.minusSeconds(1));
        ClientCertificates.Issued early = ClientCertificates.selfSigned("early", NOW.plusSeconds(60), YEAR_AHEAD);
        registry.createDevice("old", Authentication.selfSigned(
                ClientCertificates.sha1Thumbprint(expired.certificate()), null));
        registry.createDevice("early", Authentication.selfSigned(
                ClientCertificates.sha1Thumbprint(early.certificate()), null));

        assertRefused(authenticate(IdentityId.device("old"), expired), "client certificate expired");
        assertRefused(authenticate(IdentityId.device("early"), early), "client certificate not yet valid");
    }

    @Test
    void aSasDeviceIsNotAnX509Identity() {
        registry.createDevice("sas-device");

        assertRefused(authenticate(IdentityId.device("sas-device"), selfSigned("sas-device")),
                "not an X.509 identity");
    }

    @Test
    void anUnknownOrDisabledDeviceOrAnUnknownModuleIsRefused() {
        ClientCertificates.Issued certificate = selfSigned("camera");
        registry.createDevice("camera", Authentication.selfSigned(ClientCertificates.sha1Thumbprint(
                certificate.certificate()), null));

        assertRefused(authenticate(IdentityId.device("nobody"), certificate), "device is not registered");
        assertRefused(authenticate(IdentityId.module("camera", "lens"), certificate), "module is not registered");
        registry.setEnabled("camera", false);
        assertRefused(authenticate(IdentityId.device("camera"), certificate), "device is disabled");
    }

    @Test
    void aSelfSignedModuleLogsInWithItsOwnThumbprintNotItsDevices() {
        ClientCertificates.Issued deviceCertificate = selfSigned("gateway");
        ClientCertificates.Issued moduleCertificate = selfSigned("gateway/lens");
        registry.createDevice("gateway", Authentication.selfSigned(
                ClientCertificates.sha1Thumbprint(deviceCertificate.certificate()), null));
        registry.createModule("gateway", "lens", Authentication.selfSigned(
                ClientCertificates.sha1Thumbprint(moduleCertificate.certificate()), null), null);

        assertThat(authenticate(IdentityId.module("gateway", "lens"), moduleCertificate).identity())
                .contains(IdentityId.module("gateway", "lens"));
        assertRefused(authenticate(IdentityId.module("gateway", "lens"), deviceCertificate), "unknown thumbprint");
    }

    @Test
    void aCaDeviceLogsInWithALeafSignedByATrustedRoot() {
        trusted.add(ROOT.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());

        ClientCertificates.Issued leaf = ClientCertificates.leaf(ROOT, "ca-meter", YEAR_AGO, YEAR_AHEAD);

        assertThat(authenticate(IdentityId.device("ca-meter"), leaf).accepted()).isTrue();
        // The leaf alone (the client sends no CA) leads to the trusted root as well.
        assertThat(authenticator.authenticate(IdentityId.device("ca-meter"), List.of(leaf.certificate()), NOW)
                .accepted()).isTrue();
    }

    @Test
    void aLeafBelowAnIntermediateIsTrustedThroughThePresentedIntermediate() {
        trusted.add(ROOT.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());
        ClientCertificates.Issued leaf = ClientCertificates.leaf(INTERMEDIATE, "ca-meter", YEAR_AGO, YEAR_AHEAD);

        assertThat(authenticate(IdentityId.device("ca-meter"), leaf).accepted()).isTrue();
        // Without the intermediate, nothing leads to the root.
        assertRefused(authenticator.authenticate(IdentityId.device("ca-meter"), List.of(leaf.certificate()), NOW),
                "untrusted chain");
    }

    @Test
    void aTrustedIntermediateIsEnoughWhateverRootTheClientSendsAlong() {
        trusted.add(INTERMEDIATE.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());

        ClientCertificates.Issued leaf = ClientCertificates.leaf(INTERMEDIATE, "ca-meter", YEAR_AGO, YEAR_AHEAD);

        assertThat(authenticate(IdentityId.device("ca-meter"), leaf).accepted()).isTrue();
    }

    @Test
    void aLeafOfAnotherCaIsAnUntrustedChain() {
        trusted.add(ROOT.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());
        ClientCertificates.Issued otherRoot = ClientCertificates.rootCa("Fleet Root", YEAR_AGO, YEAR_AHEAD);

        ClientCertificates.Issued wronglySigned = ClientCertificates.leaf(otherRoot, "ca-meter", YEAR_AGO, YEAR_AHEAD);

        assertRefused(authenticate(IdentityId.device("ca-meter"), wronglySigned), "untrusted chain");
        assertRefused(authenticate(IdentityId.device("ca-meter"), selfSigned("ca-meter")), "untrusted chain");
    }

    @Test
    void withNoTrustedCaEveryChainIsUntrusted() {
        registry.createDevice("ca-meter", Authentication.certificateAuthority());

        assertRefused(authenticate(IdentityId.device("ca-meter"),
                ClientCertificates.leaf(ROOT, "ca-meter", YEAR_AGO, YEAR_AHEAD)), "the hub trusts no CA certificate");
    }

    @Test
    void anExpiredIntermediateMakesTheChainUntrusted() {
        trusted.add(ROOT.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());
        ClientCertificates.Issued lapsed =
                ClientCertificates.intermediateCa(ROOT, "Lapsed Intermediate", YEAR_AGO, NOW.minusSeconds(1));

        assertRefused(authenticate(IdentityId.device("ca-meter"),
                ClientCertificates.leaf(lapsed, "ca-meter", YEAR_AGO, YEAR_AHEAD)), "untrusted chain");
    }

    @Test
    void aTrustedLeafForAnotherDeviceIsACnMismatch() {
        trusted.add(ROOT.certificate());
        registry.createDevice("ca-meter", Authentication.certificateAuthority());

        assertRefused(authenticate(IdentityId.device("ca-meter"),
                ClientCertificates.leaf(ROOT, "other-meter", YEAR_AGO, YEAR_AHEAD)), "CN mismatch");
    }

    @Test
    void aCaModulesLeafNamesTheDeviceAndTheModule() {
        trusted.add(ROOT.certificate());
        registry.createDevice("gateway", Authentication.certificateAuthority());
        registry.createModule("gateway", "lens", Authentication.certificateAuthority(), null);
        IdentityId module = IdentityId.module("gateway", "lens");

        assertThat(authenticate(module, ClientCertificates.leaf(ROOT, "gateway/lens", YEAR_AGO, YEAR_AHEAD))
                .accepted()).isTrue();
        assertRefused(authenticate(module, ClientCertificates.leaf(ROOT, "gateway", YEAR_AGO, YEAR_AHEAD)),
                "CN mismatch");
    }

    @Test
    void noCertificateOrAnOverlongChainIsRefusedBeforeTheRegistryIsRead() {
        registry.createDevice("camera", Authentication.certificateAuthority());
        List<X509Certificate> overlong = new ArrayList<>();
        for (int i = 0; i <= CertificateAuthenticator.MAX_CHAIN_LENGTH; i++) {
            overlong.add(ROOT.certificate());
        }

        assertRefused(authenticator.authenticate(IdentityId.device("camera"), List.of(), NOW),
                "no client certificate");
        assertRefused(authenticator.authenticate(IdentityId.device("camera"), overlong, NOW), "more than");
    }

    @Test
    void anMqttConnectWithACertificateMustNameThisHubAndItsClientIdInItsUserName() {
        ClientCertificates.Issued certificate = selfSigned("gateway/lens");
        registry.createDevice("gateway");
        registry.createModule("gateway", "lens", Authentication.selfSigned(
                ClientCertificates.sha1Thumbprint(certificate.certificate()), null), null);
        DeviceAuthenticator mqtt = new DeviceAuthenticator(registry, registry,
                new SasVerifier(Clock.fixed(NOW, ZoneOffset.UTC)), Set.of("hub.local"),
                authenticator);

        assertThat(mqtt.authenticateCertificate("gateway/lens", "hub.local/gateway/lens/?api-version=2021-04-12",
                certificate.chain(), NOW).identity()).contains(IdentityId.module("gateway", "lens"));
        assertRefused(mqtt.authenticateCertificate("gateway/lens", "other.hub/gateway/lens/?api-version=2021-04-12",
                certificate.chain(), NOW), "user name is not");
        assertRefused(mqtt.authenticateCertificate("gateway/lens", "hub.local/gateway/?api-version=2021-04-12",
                certificate.chain(), NOW), "user name is not");
        assertRefused(mqtt.authenticateCertificate("gateway/lens", null, certificate.chain(), NOW), "user name is not");
        // The module's certificate does not log its device in.
        assertRefused(mqtt.authenticateCertificate("gateway", "hub.local/gateway/?api-version=2021-04-12",
                certificate.chain(), NOW), "not an X.509 identity");
    }

    private DeviceAuthenticator.Outcome authenticate(IdentityId identity, ClientCertificates.Issued certificate) {
        return authenticator.authenticate(identity, certificate.chain(), NOW);
    }

    private static ClientCertificates.Issued selfSigned(String commonName) {
        return ClientCertificates.selfSigned(commonName, YEAR_AGO, YEAR_AHEAD);
    }

    private static void assertRefused(DeviceAuthenticator.Outcome outcome, String reason) {
        assertThat(outcome.accepted()).as("refused").isFalse();
        assertThat(outcome.identity()).isEqualTo(Optional.empty());
        assertThat(outcome.reason()).contains(reason);
    }
}
