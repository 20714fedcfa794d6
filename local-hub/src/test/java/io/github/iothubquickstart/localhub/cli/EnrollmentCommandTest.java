package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code local-hub enrollment} and {@code connection-string --provisioning|--id-scope} on a data directory without a
 * running hub: what a user sees, and that the values printed are the ones kept.
 */
class EnrollmentCommandTest {
    private static final Pattern KEY = Pattern.compile("primaryKey: +([A-Za-z0-9+/=]{44})");

    @TempDir
    Path dataDirectory;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] withDataDirectory = new String[args.length + 2];
        System.arraycopy(args, 0, withDataDirectory, 0, args.length);
        withDataDirectory[args.length] = "--data-dir";
        withDataDirectory[args.length + 1] = dataDirectory.toString();
        return commandLine.execute(withDataDirectory);
    }

    @Test
    void anIndividualEnrollmentIsCreatedWithAGeneratedKeyListedShownAndDeleted() {
        assertThat(run("enrollment", "create", "--registration-id", "sensor-7", "--device-id", "sensor-7-device",
                "--tags", "{\"site\":\"lab\"}", "--desired", "{\"interval\":5}")).isZero();
        String created = out.toString();
        Matcher key = KEY.matcher(created);
        assertThat(key.find()).as(created).isTrue();
        assertThat(run("connection-string", "--id-scope")).isZero();
        String idScope = out.toString().trim();

        assertThat(idScope).matches("0ne[0-9A-F]{8}");
        assertThat(created).contains("Created individual enrollment sensor-7.", "registrationId: sensor-7",
                "deviceId:       sensor-7-device", "status:         enabled", "attestation:    symmetric key",
                "tags:           {\"site\":\"lab\"}", "desired:        {\"interval\":5}", "idScope:        " + idScope,
                "ProvisioningDeviceClient.create(\"127.0.0.1\", \"" + idScope + "\"");
        assertThat(run("enrollment", "list")).isZero();
        assertThat(out.toString()).isEqualTo("individual sensor-7 (symmetric key)\n");
        assertThat(run("enrollment", "show", "--registration-id", "sensor-7")).isZero();
        assertThat(out.toString()).contains("primaryKey:     " + key.group(1));

        assertThat(run("enrollment", "delete", "--registration-id", "sensor-7")).isZero();
        assertThat(run("enrollment", "show", "--registration-id", "sensor-7")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("local-hub: Enrollment 'sensor-7' not found\n");
    }

    @Test
    void aGroupsDeviceKeyIsDerivedFromTheGroupKeyAsDpsChecksIt() throws Exception {
        String groupKey = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(
                StandardCharsets.US_ASCII));
        assertThat(run("enrollment", "create", "--group-id", "floor-2", "--symmetric-key", groupKey, "--disabled",
                "--iot-edge")).isZero();
        assertThat(out.toString()).contains("groupKey:       " + groupKey, "status:         disabled",
                "iotEdge:        true",
                "local-hub enrollment derive-key --group-id floor-2 --registration-id <ID>");

        assertThat(run("enrollment", "derive-key", "--group-id", "floor-2", "--registration-id", "floor-2-dev-1"))
                .isZero();

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(groupKey), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal("floor-2-dev-1".getBytes(StandardCharsets.UTF_8)));
        assertThat(out.toString()).isEqualTo(expected + "\n");
        assertThat(run("enrollment", "list")).isZero();
        assertThat(out.toString()).isEqualTo("group floor-2 (symmetric key, disabled)\n");
    }

    @Test
    void x509EnrollmentsTakeTheDevicesCertificateOrTheGroupsSigner() throws Exception {
        Path pem = ClientCertificates.selfSigned("x509-device", Instant.now().minus(1, ChronoUnit.HOURS),
                Instant.now().plus(1, ChronoUnit.DAYS)).writePem(dataDirectory.getParent(), "x509-device")
                .certificateFile();

        assertThat(run("enrollment", "create", "--registration-id", "x509-device", "--certificate", pem.toString()))
                .isZero();
        assertThat(out.toString()).contains("attestation:    X.509, the device's own certificate")
                .doesNotContain("primaryKey");
        assertThat(run("enrollment", "create", "--group-id", "x509-group", "--ca-certificate", "fleet-root")).isZero();
        assertThat(out.toString()).contains("attestation:    X.509, signed by CA certificate fleet-root");
        assertThat(run("enrollment", "create", "--group-id", "x509-signed", "--signing-certificate", pem.toString()))
                .isZero();
        assertThat(out.toString()).contains("X.509, signed by the group's signing certificate");
    }

    @Test
    void wrongCombinationsAndBadValuesAreOneLineFailures() throws Exception {
        Path notACertificate = dataDirectory.getParent().resolve("not-a-certificate.pem");
        java.nio.file.Files.writeString(notACertificate, "hello");

        assertThat(run("enrollment", "create", "--group-id", "g", "--certificate", notACertificate.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("local-hub: --certificate is an individual enrollment's");
        assertThat(run("enrollment", "create", "--registration-id", "r", "--certificate", notACertificate.toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("not an X.509 certificate");
        assertThat(run("enrollment", "create", "--registration-id", "r", "--tags", "[1]")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("local-hub: --tags must be a JSON object, such as '{\"site\":\"lab\"}'\n");
        assertThat(run("enrollment", "create", "--registration-id", "r", "--symmetric-key", "c2hvcnQ=")).isEqualTo(1);
        assertThat(run("enrollment", "create", "--registration-id", "bad id!")).isEqualTo(1);
        assertThat(run("enrollment", "create", "--registration-id", "r", "--group-id", "g")).isEqualTo(2);
        assertThat(run("enrollment", "list")).isZero();
        assertThat(out.toString()).startsWith("No enrollments");
    }

    @Test
    void theProvisioningConnectionStringHasItsOwnPolicyAndKeyAndNoPort() {
        run("device", "list");
        assertThat(run("connection-string", "--provisioning")).isZero();
        String first = out.toString().trim();
        assertThat(run("connection-string", "--provisioning")).isZero();

        assertThat(first).matches("HostName=127\\.0\\.0\\.1;SharedAccessKeyName=provisioningserviceowner;"
                + "SharedAccessKey=[A-Za-z0-9+/=]{44}");
        assertThat(out.toString().trim()).as("made once per data directory").isEqualTo(first);
        assertThat(err.toString()).contains("ProvisioningServiceClient connects to port 443 of 127.0.0.1");
        assertThat(run("connection-string", "--policy", "iothubowner")).isZero();
        assertThat(out.toString()).doesNotContain(first.substring(first.indexOf("SharedAccessKey=")));
        assertThat(run("connection-string", "--provisioning", "--device", "MyJavaDevice")).isEqualTo(1);
        assertThat(run("connection-string", "--provisioning", "--id-scope")).isEqualTo(1);
    }
}
