package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.registry.CaCertificate;
import io.github.iothubquickstart.localhub.registry.CaCertificateAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.CaCertificateNotFoundException;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's trusted CA certificates in the registry database: added once verified, listed with what identifies them,
 * removed; refusals leave the table as it was; a change by another connection (the CLI beside a running hub) is seen
 * at the next read; a version 6 registry gains the table with its devices kept.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqliteCaCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final ClientCertificates.Issued ROOT = ClientCertificates.rootCa("Contoso Root",
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)));

    @TempDir
    Path directory;
    private Path file;
    private SqliteDeviceRegistry registry;
    private SqliteCaCertificates certificates;

    @BeforeEach
    void open() {
        file = directory.resolve("registry.db");
        registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
        certificates = SqliteCaCertificates.open(file, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        certificates.close();
        registry.close();
    }

    @Test
    void anAddedCaIsListedWithItsSubjectThumbprintsAndExpiryUntilRemoved() {
        CaCertificate added = certificates.add("contoso-root_1.0", ROOT.certificate());

        assertThat(certificates.list()).containsExactly(added);
        assertThat(added.subject()).isEqualTo("CN=Contoso Root");
        assertThat(added.sha1Thumbprint()).isEqualTo(ClientCertificates.sha1Thumbprint(ROOT.certificate()))
                .matches("[0-9A-F]{40}");
        assertThat(added.sha256Thumbprint()).matches("[0-9A-F]{64}");
        assertThat(added.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS));
        assertThat(certificates.trustedCertificates()).containsExactly(ROOT.certificate());

        certificates.remove("contoso-root_1.0");

        assertThat(certificates.list()).isEmpty();
        assertThat(certificates.trustedCertificates()).isEmpty();
    }

    @Test
    void anIntermediateCaIsTrustedOnItsOwn() {
        ClientCertificates.Issued intermediate = ClientCertificates.intermediateCa(ROOT, "Contoso Intermediate",
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10)));

        certificates.add("intermediate", intermediate.certificate());

        assertThat(certificates.trustedCertificates()).containsExactly(intermediate.certificate());
    }

    @Test
    void theCertificatesSurviveReopeningTheFile() {
        certificates.add("root", ROOT.certificate());
        certificates.close();

        certificates = SqliteCaCertificates.open(file, Clock.systemUTC());

        assertThat(certificates.list()).singleElement().satisfies(read -> {
            assertThat(read.name()).isEqualTo("root");
            assertThat(read.certificate()).isEqualTo(ROOT.certificate());
            assertThat(read.added()).isEqualTo(NOW);
        });
    }

    @Test
    void aTakenNameOrAnAlreadyTrustedCertificateIsRefused() {
        certificates.add("root", ROOT.certificate());
        ClientCertificates.Issued other = ClientCertificates.rootCa("Other Root", NOW.minusSeconds(60),
                NOW.plusSeconds(3600));

        assertThatThrownBy(() -> certificates.add("root", other.certificate()))
                .isInstanceOf(CaCertificateAlreadyExistsException.class)
                .hasMessage("a CA certificate named \"root\" is already trusted (CN=Contoso Root); remove it first to"
                        + " replace it");
        assertThatThrownBy(() -> certificates.add("root-again", ROOT.certificate()))
                .isInstanceOf(CaCertificateAlreadyExistsException.class)
                .hasMessage("this certificate (CN=Contoso Root) is already trusted under the name \"root\"");
        assertThat(certificates.list()).extracting(CaCertificate::name).containsExactly("root");
    }

    @Test
    void aCertificateThatIsNotACaIsRefused() {
        ClientCertificates.Issued device = ClientCertificates.selfSigned("camera", NOW.minusSeconds(60),
                NOW.plusSeconds(3600));

        assertThatThrownBy(() -> certificates.add("camera", device.certificate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the certificate of CN=camera is not a CA certificate (its basicConstraints"
                        + " extension does not say cA=true)");
        assertThat(certificates.list()).isEmpty();
    }

    @Test
    void anExpiredOrNotYetValidCaIsRefused() {
        ClientCertificates.Issued expired = ClientCertificates.rootCa("Old Root", NOW.minus(Duration.ofDays(20)),
                NOW.minus(Duration.ofDays(10)));
        ClientCertificates.Issued future = ClientCertificates.rootCa("Future Root", NOW.plus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(20)));

        assertThatThrownBy(() -> certificates.add("old", expired.certificate()))
                .hasMessage("the certificate of CN=Old Root expired at " + NOW.minus(Duration.ofDays(10)));
        assertThatThrownBy(() -> certificates.add("future", future.certificate()))
                .hasMessage("the certificate of CN=Future Root is not valid yet: it is valid from "
                        + NOW.plus(Duration.ofDays(1)));
        assertThat(certificates.list()).isEmpty();
    }

    @Test
    void aNameOutsideIotHubsCharactersIsRefused() {
        for (String name : new String[] {"", "with space", "slash/name", "x".repeat(65), "ümlaut"}) {
            assertThatThrownBy(() -> certificates.add(name, ROOT.certificate())).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a name has 1 to 64 characters, each an ASCII letter, digit, '-', '_' or '.'");
        }
        assertThat(certificates.add("x".repeat(64), ROOT.certificate()).name()).hasSize(64);
    }

    @Test
    void removingAnUnknownNameSaysSo() {
        assertThatThrownBy(() -> certificates.remove("nothing"))
                .isInstanceOf(CaCertificateNotFoundException.class)
                .hasMessage("no CA certificate is named \"nothing\" (see local-hub ca-certificate list)");
    }

    @Test
    void aChangeByAnotherConnectionIsSeenAtTheNextRead() {
        assertThat(certificates.trustedCertificates()).isEmpty();
        try (SqliteCaCertificates cli = SqliteCaCertificates.open(file, Clock.fixed(NOW, ZoneOffset.UTC))) {
            cli.add("root", ROOT.certificate());
            assertThat(certificates.trustedCertificates()).containsExactly(ROOT.certificate());

            cli.remove("root");
            assertThat(certificates.trustedCertificates()).isEmpty();
        }
    }

    @Test
    void aVersionSixRegistryGainsTheTableKeepingItsDevices() throws Exception {
        certificates.close();
        registry.createDevice("old-device", io.github.iothubquickstart.localhub.registry.Authentication.randomSas());
        registry.close();
        // Version 7 only added the table and version 8 the twins' model ids: without them, and marked 6, the file is
        // as a version 6 hub left it.
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("DROP TABLE ca_certificate");
            statement.execute("ALTER TABLE twin DROP COLUMN model_id");
            statement.execute("ALTER TABLE module_twin DROP COLUMN model_id");
            statement.execute("PRAGMA user_version = 6");
        }

        registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
        certificates = SqliteCaCertificates.open(file, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
        assertThat(registry.findDevice("old-device")).isPresent();
        assertThat(certificates.list()).isEmpty();
        certificates.add("root", ROOT.certificate());
        assertThat(certificates.list()).extracting(CaCertificate::name).containsExactly("root");
    }
}
