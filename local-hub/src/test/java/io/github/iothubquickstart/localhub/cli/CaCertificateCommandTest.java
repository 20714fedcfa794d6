package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code local-hub ca-certificate add|list|remove} as a user runs them: what they print, and each refusal in one line. */
class CaCertificateCommandTest {
    private static final Instant NOW = Instant.now();
    private static final ClientCertificates.Issued ROOT = ClientCertificates.rootCa("Contoso Root CA",
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));

    @TempDir
    Path dataDirectory;
    @TempDir
    Path files;

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

    private Path pem(String name, ClientCertificates.Issued... certificates) throws Exception {
        Path file = files.resolve(name);
        Pem.writeCertificates(file, java.util.Arrays.stream(certificates).map(ClientCertificates.Issued::certificate)
                .toList());
        return file;
    }

    @Test
    void anAddedCaIsListedWithItsThumbprintsAndExpiryThenRemoved() throws Exception {
        Run add = run("ca-certificate", "add", "--name", "contoso-root", "--file", pem("root.pem", ROOT).toString());

        assertThat(add.status()).as(add.err()).isZero();
        String thumbprint = ClientCertificates.sha1Thumbprint(ROOT.certificate());
        String sha256 = ClientCertificates.sha256Thumbprint(ROOT.certificate());
        String block = "name:       contoso-root\n"
                + "subject:    CN=Contoso Root CA\n"
                + "thumbprint: " + thumbprint + " (SHA-1)\n"
                + "sha256:     " + sha256 + "\n"
                + "notAfter:   " + ROOT.certificate().getNotAfter().toInstant() + "\n";
        assertThat(add.out()).startsWith("Trusted CA certificate:\n" + block)
                .contains("--auth x509-ca");

        Run list = run("ca-certificate", "list");
        assertThat(list.status()).isZero();
        assertThat(list.out()).isEqualTo(block);

        Run remove = run("ca-certificate", "remove", "--name", "contoso-root");
        assertThat(remove.status()).isZero();
        assertThat(remove.out()).isEqualTo("Removed CA certificate contoso-root.\n");
        assertThat(run("ca-certificate", "list").out()).startsWith("No CA certificates are trusted.");
    }

    @Test
    void aDeviceCertificateIsRefusedAsNotACa() throws Exception {
        ClientCertificates.Issued device = ClientCertificates.selfSigned("camera", NOW.minusSeconds(60),
                NOW.plusSeconds(3600));

        Run add = run("ca-certificate", "add", "--name", "camera", "--file", pem("camera.pem", device).toString());

        assertThat(add.status()).isEqualTo(1);
        assertThat(add.err().lines()).singleElement().asString()
                .startsWith("local-hub: the certificate of CN=camera is not a CA certificate");
        assertThat(run("ca-certificate", "list").out()).startsWith("No CA certificates are trusted.");
    }

    @Test
    void aSecondCaUnderTheSameNameIsRefusedAndTheFirstKept() throws Exception {
        run("ca-certificate", "add", "--name", "root", "--file", pem("root.pem", ROOT).toString());
        ClientCertificates.Issued other = ClientCertificates.rootCa("Other Root", NOW.minusSeconds(60),
                NOW.plusSeconds(3600));

        Run again = run("ca-certificate", "add", "--name", "root", "--file", pem("other.pem", other).toString());

        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("local-hub: a CA certificate named \"root\" is already trusted"
                + " (CN=Contoso Root CA); remove it first to replace it\n");
        assertThat(run("ca-certificate", "list").out()).contains("subject:    CN=Contoso Root CA");
    }

    @Test
    void whatIsNotOneCertificateIsRefusedInOneLine() throws Exception {
        Path text = Files.writeString(files.resolve("notes.pem"), "not a certificate\n");
        Path key = files.resolve("key.pem");
        Pem.writePrivateKey(key, ROOT.privateKey());
        ClientCertificates.Issued intermediate = ClientCertificates.intermediateCa(ROOT, "Intermediate",
                NOW.minusSeconds(60), NOW.plusSeconds(3600));
        Path chain = pem("chain.pem", intermediate, ROOT);

        assertThat(run("ca-certificate", "add", "--name", "a", "--file", text.toString()).err())
                .isEqualTo("local-hub: cannot read " + text + " (it holds no PEM CERTIFICATE block)\n");
        assertThat(run("ca-certificate", "add", "--name", "a", "--file", key.toString()).err())
                .isEqualTo("local-hub: cannot read " + key + " (it holds a PEM block that is not a CERTIFICATE)\n");
        assertThat(run("ca-certificate", "add", "--name", "a", "--file", chain.toString()).err())
                .isEqualTo("local-hub: " + chain + " holds 2 certificates: add each CA certificate of a chain on its"
                        + " own, under a name of its own\n");
        assertThat(run("ca-certificate", "add", "--name", "a", "--file", files.resolve("absent.pem").toString()).err())
                .isEqualTo("local-hub: no file " + files.resolve("absent.pem") + "\n");
        assertThat(run("ca-certificate", "add", "--name", "bad name", "--file", chain.toString()).err())
                .startsWith("local-hub: invalid CA certificate name \"bad name\"");
        assertThat(run("ca-certificate", "list").out()).startsWith("No CA certificates are trusted.");
    }

    @Test
    void removingAnUnknownNameSaysHowToSeeTheNames() {
        Run remove = run("ca-certificate", "remove", "--name", "nothing");

        assertThat(remove.status()).isEqualTo(1);
        assertThat(remove.err()).isEqualTo("local-hub: no CA certificate is named \"nothing\" (see local-hub"
                + " ca-certificate list)\n");
    }

    @Test
    void helpSaysWhatAddVerifies() {
        Run help = run("ca-certificate", "add", "--help");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--name=NAME", "--file=PEM", "basicConstraints cA=true",
                "proof of possession");
    }
}
