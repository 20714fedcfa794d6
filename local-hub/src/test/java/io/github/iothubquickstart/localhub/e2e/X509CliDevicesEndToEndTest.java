package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The whole X.509 flow on one machine, with the CLI beside a running hub on the same data directory: a device made by
 * {@code device create --auth x509-self-signed} connects with the two files it wrote, and a CA trusted with
 * {@code ca-certificate add} lets a {@code device create --auth x509-ca} device in at once, until it is removed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class X509CliDevicesEndToEndTest {
    @TempDir
    static Path files;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void aDeviceCreatedByTheCliConnectsWithTheCertificateAndKeyItWrote() throws Exception {
        cli("device", "create", "cli-camera", "--auth", "x509-self-signed", "--output-dir", files.toString());
        ClientCertificates.Issued written = readIssued(files.resolve("cli-camera-cert.pem"),
                files.resolve("cli-camera-key.pem"));
        DeviceClient client = hub.x509Device("cli-camera", written, IotHubClientProtocol.MQTT);
        LinkedBlockingQueue<TelemetryMessage> received = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(received::add)) {
            client.open(false);

            client.sendEvent(new Message("{\"frame\":1}"));

            assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull()
                    .satisfies(message -> assertThat(message.deviceId()).isEqualTo("cli-camera"));
        }
    }

    @Test
    void aCaAddedByTheCliLetsItsDevicesInAtOnceAndRemovedLetsNoneInAnyMore() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Issued root = ClientCertificates.rootCa("Contoso Root", now.minusSeconds(60),
                now.plus(Duration.ofDays(30)));
        Path rootFile = files.resolve("contoso-root.pem");
        Pem.writeCertificates(rootFile, List.of(root.certificate()));
        ClientCertificates.Issued meter = ClientCertificates.leaf(root, "cli-meter", now.minusSeconds(60),
                now.plus(Duration.ofDays(30)));
        cli("device", "create", "cli-meter", "--auth", "x509-ca");

        cli("ca-certificate", "add", "--name", "contoso-root", "--file", rootFile.toString());

        hub.x509Device("cli-meter", meter, IotHubClientProtocol.AMQPS).open(false);
        assertThat(hub.hub.isDeviceConnected("cli-meter")).isTrue();
        hub.closeDevices();

        cli("ca-certificate", "remove", "--name", "contoso-root");

        DeviceClient refused = hub.x509Device("cli-meter", meter, IotHubClientProtocol.MQTT);
        assertThatThrownBy(() -> refused.open(false)).isInstanceOfSatisfying(IotHubClientException.class,
                e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED));
    }

    /** What {@code device create} wrote: the certificate file (leaf first) and its key. */
    private static ClientCertificates.Issued readIssued(Path certificateFile, Path keyFile) {
        List<java.security.cert.X509Certificate> chain = Pem.readCertificates(certificateFile);
        return new ClientCertificates.Issued(chain.get(0), Pem.readPrivateKey(keyFile), chain);
    }

    private static void cli(String... args) {
        CommandLine commandLine = LocalHubCli.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(Stream.concat(Stream.of(args),
                Stream.of("--data-dir", hub.dataDirectory().toString())).toArray(String[]::new));
        assertThat(status).as(String.join(" ", args) + ": " + err).isZero();
    }
}
