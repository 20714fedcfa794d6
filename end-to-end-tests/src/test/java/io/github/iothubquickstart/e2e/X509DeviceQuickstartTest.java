package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The quickstart with a device that logs in with its certificate: a self-signed certificate registered by its
 * thumbprint (as {@code device create --auth x509-self-signed} makes it), an {@code x509=true} connection string and
 * {@code --x509-cert}/{@code --x509-key}; its telemetry arrives and the back-end changes its interval. Not AMQPS_WS:
 * the Java device SDK 2.5.0 opens that WebSocket with {@code iothub-no-client-cert=true} whatever the authentication,
 * so no certificate can log it in (the device refuses that combination up front). AMQPS here and MQTT through the
 * README's walk-through; every transport's certificate login is the hub's X509IdentitiesEndToEndTest.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class X509DeviceQuickstartTest {
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"AMQPS"})
    void aCertificateDeviceSendsAndTheBackEndChangesItsInterval(String protocol) throws Exception {
        String deviceId = "x509-device-" + protocol.toLowerCase();
        Instant now = Instant.now();
        ClientCertificates.Issued certificate = ClientCertificates.selfSigned(deviceId, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)));
        ClientCertificates.Written files = certificate.writePem(directory, deviceId);
        hub.hub().identity().registry().createDevice(deviceId,
                Authentication.selfSigned(ClientCertificates.sha256Thumbprint(certificate.certificate()), null));
        String address = hub.hub().bindAddress();
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hub.hub().dataDirectory().toString())::get;
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        ConsoleCapture device = new ConsoleCapture();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(11), address)) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                    "--connection-string", "HostName=" + hub.hub().hostName() + ";DeviceId=" + deviceId + ";x509=true",
                    "--x509-cert", files.certificateFile().toString(), "--x509-key", files.privateKeyFile().toString(),
                    "--protocol", protocol, "--interval", "1", "--count", "5"));

            List<TelemetryMessage> before = takeOrShow(telemetry, 2, device);
            assertThat(before).extracting(TelemetryMessage::deviceId).containsOnly(deviceId);

            ConsoleCapture backEnd = new ConsoleCapture();
            assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), address,
                    "--connection-string", hub.serviceConnectionString("service"), "--device-id", deviceId,
                    "--interval", "3")).as(backEnd.toString()).isZero();
            assertThat(backEnd.stdout()).contains(deviceId + " answered status 200");

            ReceivedTelemetry.assertGapsBetween(takeOrShow(telemetry, 3, device), Duration.ofMillis(2_500), Duration.ofMillis(4_500),
                    "gap between messages after the change");
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            assertThat(device.stdout()).contains("as device " + deviceId + " over " + protocol)
                    .contains("Stopped after 5 message(s).");
        }
    }

    /** The README's walk-through: the CLI makes the files and prints the string, the device runs with them as given. */
    @Test
    void aDeviceMadeByDeviceCreateRunsWithTheFilesAndStringTheCliGives() throws Exception {
        String data = hub.hub().dataDirectory().toString();
        assertThat(LocalHubCli.newCommandLine().execute("device", "create", "cli-x509-device", "--auth",
                "x509-self-signed", "--output-dir", directory.toString(), "--data-dir", data)).isZero();
        StringWriter printed = new StringWriter();
        CommandLine connectionString = LocalHubCli.newCommandLine();
        connectionString.setOut(new PrintWriter(printed, true));
        connectionString.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(connectionString.execute("connection-string", "--device", "cli-x509-device", "--data-dir", data))
                .isZero();
        assertThat(printed.toString().strip()).endsWith(";DeviceId=cli-x509-device;x509=true");

        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", data)::get;
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        ConsoleCapture device = new ConsoleCapture();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(14),
                     hub.hub().bindAddress())) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                    "--connection-string", printed.toString().strip(),
                    "--x509-cert", directory.resolve("cli-x509-device-cert.pem").toString(),
                    "--x509-key", directory.resolve("cli-x509-device-key.pem").toString(), "--count", "2"));

            assertThat(takeOrShow(telemetry, 2, device)).extracting(TelemetryMessage::deviceId)
                    .containsOnly("cli-x509-device");
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
        }
    }

    static List<TelemetryMessage> takeOrShow(ReceivedTelemetry telemetry, int count, ConsoleCapture device)
            throws InterruptedException {
        try {
            return telemetry.take(count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ndevice console:\n" + device, e);
        }
    }
}
