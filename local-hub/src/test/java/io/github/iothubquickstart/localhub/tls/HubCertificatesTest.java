package io.github.iothubquickstart.localhub.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dir;

    @Test
    void createsACaAndAServerCertificateSignedByIt() throws Exception {
        HubCertificates certificates = load(List.of("myhub.example.com", "127.0.0.2", "[::2]"), NOW);

        X509Certificate ca = certificates.caCertificate();
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
        assertThat(ca.getKeyUsage()).containsExactly(false, false, false, false, false, true, true, false, false);
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(Duration.between(NOW, ca.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(3650));

        X509Certificate server = certificates.serverCertificate();
        server.verify(ca.getPublicKey());
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(server.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(Duration.between(NOW, server.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(365));
        assertThat(server.getNotBefore().toInstant()).isBefore(NOW);
        assertThat(sans(server)).containsExactlyInAnyOrder(
                "2:localhost", "2:myhub.example.com", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1", "7:127.0.0.2",
                "7:0:0:0:0:0:0:0:2");

        assertThat(Pem.readCertificate(certificates.caCertificateFile())).isEqualTo(ca);
        assertThat(Pem.readCertificate(certificates.serverCertificateFile())).isEqualTo(server);
        assertThat(CertificateAuthority.keysMatch(Pem.readPrivateKey(certificates.serverKeyFile()),
                server.getPublicKey())).isTrue();
    }

    @Test
    void keysAreOwnerOnlyAndPkcs8() throws Exception {
        HubCertificates certificates = load(List.of(), NOW);

        assertThat(mode(dir.resolve("ca-key.pem"))).isEqualTo("rw-------");
        assertThat(mode(certificates.serverKeyFile())).isEqualTo("rw-------");
        assertThat(mode(certificates.caCertificateFile())).isEqualTo("rw-r--r--");
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(certificates.serverKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.pem", "ca-key.pem", "server.pem", "server-key.pem");
        }
    }

    @Test
    void reusesEverythingOnTheNextStart() throws Exception {
        load(List.of("myhub.local"), NOW);
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
        byte[] caKey = Files.readAllBytes(dir.resolve("ca-key.pem"));
        byte[] server = Files.readAllBytes(dir.resolve("server.pem"));

        load(List.of("MYHUB.local"), NOW.plus(Duration.ofDays(300)));
        load(List.of(), NOW.plus(Duration.ofDays(1)));

        assertThat(dir.resolve("ca.pem")).hasBinaryContent(ca);
        assertThat(dir.resolve("ca-key.pem")).hasBinaryContent(caKey);
        assertThat(dir.resolve("server.pem")).hasBinaryContent(server);
    }

    @Test
    void renewsTheServerCertificateNearExpiryButKeepsTheCa() throws Exception {
        HubCertificates first = load(List.of(), NOW);
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));

        Instant later = NOW.plus(Duration.ofDays(340));
        HubCertificates renewed = load(List.of(), later);

        assertThat(dir.resolve("ca.pem")).hasBinaryContent(ca);
        assertThat(renewed.caCertificate()).isEqualTo(first.caCertificate());
        assertThat(renewed.serverCertificate()).isNotEqualTo(first.serverCertificate());
        assertThat(renewed.serverCertificate().getNotAfter().toInstant()).isEqualTo(later.plus(Duration.ofDays(365)));
        renewed.serverCertificate().verify(first.caCertificate().getPublicKey());
    }

    @Test
    void neverIssuesBeyondTheCaAndRefusesAnExpiredCa() {
        HubCertificates first = load(List.of(), NOW);
        Instant caExpiry = first.caCertificate().getNotAfter().toInstant();

        HubCertificates late = load(List.of(), caExpiry.minus(Duration.ofDays(100)));
        assertThat(late.serverCertificate().getNotAfter().toInstant()).isEqualTo(caExpiry);

        assertThatThrownBy(() -> load(List.of(), caExpiry.plusSeconds(1)))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("expired")
                .hasMessageContaining("delete ca.pem and ca-key.pem to create a new CA");
    }

    @Test
    void reissuesTheServerCertificateForANewHostName() throws Exception {
        HubCertificates first = load(List.of("one.local"), NOW);
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));

        HubCertificates second = load(List.of("two.local", "127.0.0.9"), NOW);

        assertThat(dir.resolve("ca.pem")).hasBinaryContent(ca);
        assertThat(second.serverCertificate()).isNotEqualTo(first.serverCertificate());
        assertThat(sans(second.serverCertificate())).contains("2:two.local", "7:127.0.0.9", "2:localhost")
                .doesNotContain("2:one.local");
    }

    @Test
    void reissuesADamagedOrMismatchedServerCertificate() throws Exception {
        HubCertificates first = load(List.of(), NOW);

        Files.writeString(first.serverCertificateFile(), "garbage");
        HubCertificates repaired = load(List.of(), NOW);
        assertThat(repaired.serverCertificate()).isNotEqualTo(first.serverCertificate());

        Files.delete(repaired.serverKeyFile());
        HubCertificates again = load(List.of(), NOW);
        assertThat(CertificateAuthority.keysMatch(Pem.readPrivateKey(again.serverKeyFile()),
                again.serverCertificate().getPublicKey())).isTrue();
    }

    @Test
    void refusesACaCertificateWithoutItsKey() throws Exception {
        load(List.of(), NOW);
        Files.delete(dir.resolve("ca-key.pem"));
        byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));

        assertThatThrownBy(() -> load(List.of(), NOW))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("ca.pem exists but " + dir.resolve("ca-key.pem") + " does not")
                .hasMessageContaining("restore ca-key.pem from a backup, or delete both ca.pem and ca-key.pem");
        assertThat(dir.resolve("ca.pem")).hasBinaryContent(ca);
        assertThat(dir.resolve("ca-key.pem")).doesNotExist();
    }

    @Test
    void refusesACaKeyWithoutItsCertificate() throws Exception {
        load(List.of(), NOW);
        Files.delete(dir.resolve("ca.pem"));

        assertThatThrownBy(() -> load(List.of(), NOW))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("ca-key.pem exists but " + dir.resolve("ca.pem") + " does not");
        assertThat(dir.resolve("ca.pem")).doesNotExist();
    }

    @Test
    void refusesAnUnparsableCa() throws Exception {
        load(List.of(), NOW);
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> load(List.of(), NOW))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("cannot read " + dir.resolve("ca.pem"))
                .hasMessageContaining("restore it from a backup");

        Files.writeString(dir.resolve("ca.pem"), "");
        assertThatThrownBy(() -> load(List.of(), NOW))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("holds no PEM CERTIFICATE block");
    }

    @Test
    void refusesACaKeyThatBelongsToAnotherCa(@TempDir Path other) throws Exception {
        load(List.of(), NOW);
        HubCertificates.loadOrCreate(other, List.of(), clockAt(NOW));
        Files.copy(other.resolve("ca-key.pem"), dir.resolve("ca-key.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> load(List.of(), NOW))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("is not the key of");
    }

    @Test
    void refusesHostNamesWithPortOrScheme() {
        for (String bad : List.of("localhost:8883", "https://hub.local", "two words", "")) {
            assertThatThrownBy(() -> load(List.of(bad), NOW))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("neither a DNS host name nor an IP address");
        }
    }

    @Test
    void loadExistingReadsWithoutCreating(@TempDir Path empty) {
        assertThatThrownBy(() -> HubCertificates.loadExisting(empty))
                .isInstanceOf(CertificateStoreException.class)
                .hasMessageContaining("start the local hub first");
        assertThat(empty).isEmptyDirectory();

        HubCertificates created = load(List.of(), NOW);
        HubCertificates existing = HubCertificates.loadExisting(dir);
        assertThat(existing.caCertificate()).isEqualTo(created.caCertificate());
        assertThat(existing.serverCertificate()).isEqualTo(created.serverCertificate());
    }

    private HubCertificates load(Collection<String> hostNames, Instant now) {
        return HubCertificates.loadOrCreate(dir, hostNames, clockAt(now));
    }

    static Clock clockAt(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static List<String> sans(X509Certificate certificate) throws Exception {
        return certificate.getSubjectAlternativeNames().stream().map(san -> san.get(0) + ":" + san.get(1)).toList();
    }
}
