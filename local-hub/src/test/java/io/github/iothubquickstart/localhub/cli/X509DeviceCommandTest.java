package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.storage.SqliteDeviceRegistry;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code device create --auth x509-self-signed|x509-ca}, {@code device show} and {@code connection-string} for X.509
 * devices: the files written, what is registered, what is printed, and what is refused with nothing left behind.
 */
class X509DeviceCommandTest {
    @TempDir
    Path dataDirectory;
    @TempDir
    Path output;

    record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> withDataDirectory = new ArrayList<>(List.of(args));
        withDataDirectory.addAll(List.of("--data-dir", dataDirectory.toString()));
        return new Run(commandLine.execute(withDataDirectory.toArray(String[]::new)), out.toString(), err.toString());
    }

    private Optional<DeviceIdentity> registered(String deviceId) {
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.openExisting(
                dataDirectory.resolve(DataDirectory.REGISTRY_DATABASE))) {
            return registry.findDevice(deviceId);
        }
    }

    @Test
    void aSelfSignedDeviceGetsItsCertificateAndKeyFilesAndItsThumbprintRegistered() throws Exception {
        Instant before = Instant.now();
        Run create = run("device", "create", "camera-1", "--auth", "x509-self-signed", "--output-dir",
                output.toString());

        assertThat(create.status()).as(create.err()).isZero();
        Path certificateFile = output.resolve("camera-1-cert.pem");
        Path keyFile = output.resolve("camera-1-key.pem");
        X509Certificate certificate = Pem.readCertificate(certificateFile);
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=camera-1");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        assertThat(Duration.between(before, certificate.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(365).minusMinutes(1), Duration.ofDays(365).plusMinutes(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(keyMatches(Pem.readPrivateKey(keyFile), certificate)).as("the key is the certificate's").isTrue();

        String thumbprint = ClientCertificates.sha1Thumbprint(certificate);
        assertThat(registered("camera-1").orElseThrow().authentication())
                .isEqualTo(Authentication.selfSigned(thumbprint, null));
        assertThat(create.out()).contains("deviceId:     camera-1\n",
                "auth:         selfSigned (X.509 certificate, registered by thumbprint)\n",
                "primaryThumbprint:   " + thumbprint + "\n",
                "certificate:  " + certificateFile + " (valid until " + certificate.getNotAfter().toInstant() + ")\n",
                "privateKey:   " + keyFile + " (readable by you only",
                "connection-string --device camera-1")
                .doesNotContain("secondaryThumbprint");

        Run show = run("device", "show", "camera-1");
        assertThat(show.out()).contains("primaryThumbprint:   " + thumbprint + "\n").doesNotContain("primaryKey");
    }

    @Test
    void theConnectionStringOfAnX509DeviceEndsX509TrueAndNamesTheFilesItNeeds() {
        run("device", "create", "camera-2", "--auth", "x509-self-signed", "--output-dir", output.toString());

        Run connectionString = run("connection-string", "--device", "camera-2");

        assertThat(connectionString.status()).as(connectionString.err()).isZero();
        assertThat(connectionString.out()).isEqualTo("HostName=127.0.0.1;DeviceId=camera-2;x509=true\n");
        assertThat(connectionString.err()).contains("Note: device camera-2 authenticates with an X.509 certificate",
                "camera-2-cert.pem and camera-2-key.pem");
    }

    @Test
    void existingFilesAreNeverOverwrittenAndNothingIsRegistered() throws Exception {
        Path existing = Files.writeString(output.resolve("camera-3-key.pem"), "someone's key", StandardCharsets.US_ASCII);

        Run create = run("device", "create", "camera-3", "--auth", "x509-self-signed", "--output-dir",
                output.toString());

        assertThat(create.status()).isEqualTo(1);
        assertThat(create.err()).isEqualTo("local-hub: " + existing + " already exists: move it away or choose another"
                + " --output-dir (nothing was registered)\n");
        assertThat(Files.readString(existing)).isEqualTo("someone's key");
        assertThat(output.resolve("camera-3-cert.pem")).doesNotExist();
        assertThat(registered("camera-3")).isEmpty();
    }

    @Test
    void aDeviceThatExistsAlreadyGetsNoFiles() {
        run("device", "create", "camera-4");

        Run create = run("device", "create", "camera-4", "--auth", "x509-self-signed", "--output-dir",
                output.toString());

        assertThat(create.status()).isEqualTo(1);
        assertThat(create.err()).startsWith("local-hub: ").contains("camera-4");
        assertThat(output).isEmptyDirectory();
        assertThat(registered("camera-4").orElseThrow().primaryKey()).as("the SAS device is unchanged").isNotNull();
    }

    @Test
    void aMissingOutputDirectoryIsRefusedAsAzRefusesIt() {
        Path absent = output.resolve("absent");

        Run create = run("device", "create", "camera-5", "--auth", "x509-self-signed", "--output-dir",
                absent.toString());

        assertThat(create.err()).isEqualTo("local-hub: certificate output directory " + absent
                + " does not exist\n");
        assertThat(registered("camera-5")).isEmpty();
    }

    @Test
    void aCaDeviceIsRegisteredWithoutCredentialsAndTheNextStepsPrinted() {
        Run create = run("device", "create", "meter-1", "--auth", "x509-ca");

        assertThat(create.status()).as(create.err()).isZero();
        assertThat(registered("meter-1").orElseThrow().authentication())
                .isEqualTo(Authentication.certificateAuthority());
        assertThat(create.out()).contains("auth:         certificateAuthority (X.509 certificate with subject"
                + " CN=meter-1, signed by a CA from 'ca-certificate list')", "ca-certificate add");
        assertThat(run("connection-string", "--device", "meter-1").out())
                .isEqualTo("HostName=127.0.0.1;DeviceId=meter-1;x509=true\n");
    }

    @Test
    void anUnknownAuthOrAnOutputDirWithoutACertificateIsRefused() {
        Run unknown = run("device", "create", "x", "--auth", "x509");
        Run outputDirWithSas = run("device", "create", "y", "--output-dir", output.toString());

        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("'x509' is not one of sas, x509-self-signed, x509-ca");
        assertThat(outputDirWithSas.status()).isEqualTo(1);
        assertThat(outputDirWithSas.err()).isEqualTo("local-hub: --output-dir goes with --auth x509-self-signed: only"
                + " then are certificate files written\n");
        assertThat(dataDirectory.resolve(DataDirectory.REGISTRY_DATABASE)).as("refused before the hub's data is opened")
                .doesNotExist();
    }

    @Test
    void theDefaultIsStillASasDeviceWithKeys() {
        Run create = run("device", "create", "plain");

        assertThat(create.status()).isZero();
        assertThat(create.out()).contains("primaryKey:   ").contains("connection-string --device plain");
        assertThat(registered("plain").orElseThrow().keys()).hasSize(2);
    }

    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) throws Exception {
        byte[] data = "proof".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }
}
