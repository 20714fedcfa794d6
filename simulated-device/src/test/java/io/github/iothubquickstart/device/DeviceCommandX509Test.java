package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --x509-cert}/{@code --x509-key} with an {@code x509=true} connection string, and every way to get it wrong. */
class DeviceCommandX509Test {
    static final String X509_STRING = "HostName=myhub.azure-devices.net;DeviceId=x509-device;x509=true";
    static final String SAS_STRING = "HostName=myhub.azure-devices.net;DeviceId=MyJavaDevice;SharedAccessKey="
            + CommandHarness.KEY;

    private final CommandHarness harness = new CommandHarness();
    @TempDir
    Path directory;
    private ClientCertificates.Written files;

    @BeforeEach
    void writeADeviceCertificate() throws Exception {
        Instant now = Instant.now();
        files = ClientCertificates.selfSigned("x509-device", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)))
                .writePem(directory, "x509-device");
    }

    private int run(String connectionString, Path certificate, Path key) {
        return harness.run("--connection-string", connectionString, "--x509-cert", certificate.toString(),
                "--x509-key", key.toString());
    }

    @Test
    void theDeviceLogsInWithItsCertificate() throws Exception {
        assertThat(run(X509_STRING, files.certificateFile(), files.privateKeyFile())).as(harness.stderr()).isZero();

        DeviceConfig config = harness.launched.get();
        assertThat(config.connection().connectionString().x509()).isTrue();
        assertThat(config.connection().hasClientCertificate()).isTrue();
        assertThat(config.connection().sslContext()).isPresent();
        assertThat(config.connection().trust()).as("Azure: the JVM's trust").isEmpty();
    }

    @Test
    void aChainFileIsReadLeafFirst() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Issued root = ClientCertificates.rootCa("Test Root", now.minusSeconds(3600), now.plus(Duration.ofDays(2)));
        ClientCertificates.Issued leaf = ClientCertificates.leaf(root, "chained-device", now.minusSeconds(3600),
                now.plus(Duration.ofDays(1)));
        ClientCertificates.Written chained = leaf.writePem(directory, "chained-device");
        assertThat(Pem.readCertificates(chained.certificateFile())).hasSize(2);

        X509KeyManager keys = ClientCertificateFiles.load(chained.certificateFile(), chained.privateKeyFile());

        String alias = keys.chooseClientAlias(new String[] {"EC"}, null, null);
        assertThat(keys.getCertificateChain(alias)).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=chained-device", "CN=Test Root");
    }

    @Test
    void anX509StringWithoutTheCertificateOptionsIsBadInput() {
        assertThat(harness.run("--connection-string", X509_STRING)).isEqualTo(2);

        assertThat(harness.stderr()).contains("ends x509=true: give the device's certificate with --x509-cert FILE --x509-key FILE");
        assertThat(harness.launched).hasNullValue();
    }

    @Test
    void theCertificateOptionsWithAKeyStringAreBadInput() {
        assertThat(run(SAS_STRING, files.certificateFile(), files.privateKeyFile())).isEqualTo(2);

        assertThat(harness.stderr()).contains("--x509-cert needs a connection string ending x509=true");
        assertThat(harness.launched).hasNullValue();
    }

    @Test
    void theCertificateOptionsWithoutAnyConnectionStringDoNotStartTheLocalHub() {
        assertThat(harness.run("--x509-cert", files.certificateFile().toString(), "--x509-key",
                files.privateKeyFile().toString())).isEqualTo(2);

        assertThat(harness.stderr()).contains("--x509-cert needs a connection string ending x509=true")
                .doesNotContain("no local hub in this test");
    }

    @Test
    void oneCertificateOptionWithoutTheOtherIsAUsageError() {
        assertThat(harness.run("--connection-string", X509_STRING, "--x509-cert", files.certificateFile().toString()))
                .isEqualTo(2);
        assertThat(harness.stderr()).contains("--x509-cert needs --x509-key").contains("(see --help)");

        harness.resetOutput();
        assertThat(harness.run("--connection-string", X509_STRING, "--x509-key", files.privateKeyFile().toString()))
                .isEqualTo(2);
        assertThat(harness.stderr()).contains("--x509-key needs --x509-cert");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = directory.resolve("nowhere-cert.pem");

        assertThat(run(X509_STRING, missing, files.privateKeyFile())).isEqualTo(2);

        assertThat(harness.stderr()).contains("--x509-cert: no file " + missing.toAbsolutePath());
    }

    @Test
    void filesThatAreNotPemAreNamed() throws Exception {
        Path text = Files.writeString(directory.resolve("notes.txt"), "not a certificate\n");

        assertThat(run(X509_STRING, text, files.privateKeyFile())).isEqualTo(2);
        assertThat(harness.stderr()).contains("--x509-cert: cannot read " + text);

        harness.resetOutput();
        assertThat(run(X509_STRING, files.certificateFile(), files.certificateFile())).isEqualTo(2);
        assertThat(harness.stderr()).contains("--x509-key: cannot read " + files.certificateFile());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Written other = ClientCertificates.selfSigned("other", now.minusSeconds(60), now.plusSeconds(3600))
                .writePem(directory, "other");

        assertThat(run(X509_STRING, files.certificateFile(), other.privateKeyFile())).isEqualTo(2);

        assertThat(harness.stderr()).contains("the key in " + other.privateKeyFile() + " is not the one of the certificate in "
                + files.certificateFile());
        assertThat(harness.stderr().lines()).hasSize(1);
        assertThat(harness.launched).hasNullValue();
    }

    @Test
    void amqpOverWebSocketsIsRefusedBeforeConnecting() {
        assertThat(harness.run("--connection-string", X509_STRING, "--x509-cert", files.certificateFile().toString(),
                "--x509-key", files.privateKeyFile().toString(), "--protocol", "AMQPS_WS")).isEqualTo(2);

        assertThat(harness.stderr()).contains("presents no certificate over AMQPS_WS")
                .contains("use --protocol MQTT, MQTT_WS, AMQPS or HTTPS");
        assertThat(harness.launched).hasNullValue();
    }

    @Test
    void provisioningWithACertificateIsRefused() {
        assertThat(harness.run("--provision", "--id-scope", "s", "--registration-id", "r", "--symmetric-key",
                CommandHarness.KEY, "--x509-cert", files.certificateFile().toString(), "--x509-key",
                files.privateKeyFile().toString())).isEqualTo(2);

        assertThat(harness.stderr()).contains("provisions with a symmetric key only");
        assertThat(harness.provisioned).hasNullValue();
        assertThat(List.of(harness.stderr().lines().toArray())).hasSize(1);
    }
}
