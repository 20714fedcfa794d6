package io.github.iothubquickstart.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball the build made, unpacked into a temporary directory and run with no java on PATH and no JAVA_HOME:
 * the hub starts from its own runtime, the CLI creates a device and prints its connection string, and the Java device
 * SDK (in this JVM) sends a message over MQTT and one over AMQPS that the CLI's monitor then reads back.
 */
class DistributionIT {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /** One unpacked tarball for every test: none of them changes it. */
    @TempDir
    static Path unpacked;

    private static Distribution distribution;

    @TempDir
    Path temp;

    private Process hub;

    @BeforeAll
    static void unpack() throws Exception {
        distribution = Distribution.unpack(Path.of(System.getProperty("localhub.distribution")), unpacked);
    }

    @AfterEach
    void stopHub() throws InterruptedException {
        if (hub != null && hub.isAlive()) {
            hub.destroy();
            if (!hub.waitFor(30, TimeUnit.SECONDS)) {
                hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theTarballRunsTheHubAndItsCommandsWithoutAJdk() throws Exception {
        assertThat(distribution.shell("command -v java || echo 'no java'").out().trim())
                .as("the clean environment has no java on its PATH").isEqualTo("no java");

        String address = LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);
        Path data = temp.resolve("data");
        Path out = temp.resolve("hub-out.txt");
        hub = distribution.start(List.of("start", "--bind", address, "--data-dir", data.toString()), out,
                temp.resolve("hub-err.txt"));
        String banner = awaitReady(out);
        assertThat(banner).contains("Local IoT hub " + address + " is running.",
                "Devices (MQTT over TLS):     " + address + ":8883", "Devices (AMQP over TLS):     " + address + ":5671");

        Distribution.Result created = distribution.run(List.of("device", "create", "dist-device", "--data-dir", data.toString()));
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("dist-device")
                .as("the hint names the launcher, not java -jar")
                .contains("Its connection string: " + distribution.home().resolve("bin/local-hub")
                        + " connection-string --device dist-device");

        Distribution.Result connectionString = distribution.run(
                List.of("connection-string", "--device", "dist-device", "--data-dir", data.toString()));
        assertThat(connectionString.exitCode()).as(connectionString.err()).isZero();
        assertThat(connectionString.out()).matches("HostName=" + address.replace(".", "\\.")
                + ";DeviceId=dist-device;SharedAccessKey=[A-Za-z0-9+/=]+\\R");

        SSLContext trustHubCa = TrustedCa.trustingOnly(data.resolve("ca.pem"));
        send(connectionString.out().trim(), IotHubClientProtocol.MQTT, trustHubCa, "over-mqtt");
        send(connectionString.out().trim(), IotHubClientProtocol.AMQPS, trustHubCa, "over-amqps");

        Distribution.Result monitor = distribution.run(List.of("monitor", "--device", "dist-device", "--replay",
                "--count", "2", "--host", address, "--data-dir", data.toString()));
        assertThat(monitor.exitCode()).as(monitor.err()).isZero();
        assertThat(monitor.out()).contains("dist-device", "\"over-mqtt\"", "\"over-amqps\"");
    }

    @Test
    void theClassDataSharingArchiveFitsWhereverTheTarballIsUnpacked() throws Exception {
        // -Xshare:on makes the JVM fail rather than run without the archive; run through a symbolic link, as from
        // /usr/local/bin.
        Path link = Files.createSymbolicLink(distribution.tools().resolve("local-hub"),
                distribution.home().resolve("bin/local-hub"));
        Distribution.Result version = distribution.run(link, Map.of("LOCAL_HUB_JAVA_OPTS", "-Xshare:on"),
                List.of("--version"));
        assertThat(version.exitCode()).as(version.out() + version.err()).isZero();
        assertThat(version.out()).startsWith("local-hub");
        assertThat(version.err()).isEmpty();
    }

    @Test
    void theZipHoldsWhatTheTarballHolds() throws Exception {
        Path tarball = Path.of(System.getProperty("localhub.distribution"));
        Process list = new ProcessBuilder("tar", "-tzf", tarball.toString()).redirectErrorStream(true).start();
        // Files only: the two archivers differ in which directories get an entry of their own.
        TreeSet<String> tarEntries = new TreeSet<>(new String(list.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).lines().filter(entry -> !entry.endsWith("/")).toList());
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        TreeSet<String> zipEntries = new TreeSet<>();
        try (ZipFile zip = new ZipFile(System.getProperty("localhub.distributionZip"))) {
            Collections.list(zip.entries()).stream().filter(entry -> !entry.isDirectory())
                    .forEach(entry -> zipEntries.add(entry.getName()));
        }
        assertThat(zipEntries).isEqualTo(tarEntries);
        assertThat(tarEntries).anyMatch(entry -> entry.endsWith("/bin/local-hub"))
                .anyMatch(entry -> entry.endsWith("/lib/local-hub.jar"))
                .anyMatch(entry -> entry.endsWith("/lib/local-hub.jsa"))
                .anyMatch(entry -> entry.endsWith("/runtime/bin/java"));
    }

    private static void send(String connectionString, IotHubClientProtocol protocol, SSLContext trustHubCa, String body)
            throws Exception {
        DeviceClient client = new DeviceClient(connectionString, protocol,
                ClientOptions.builder().sslContext(trustHubCa).build());
        try {
            client.open(true);
            client.sendEvent(new Message(("\"" + body + "\"").getBytes(StandardCharsets.UTF_8)));
        } finally {
            client.close();
        }
    }

    /** The hub's banner once it says it runs; the hub's own output if it ends first. */
    private String awaitReady(Path out) throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String text = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            if (text.contains("Press Ctrl+C to stop.")) {
                return text;
            }
            if (!hub.isAlive()) {
                throw new IllegalStateException("the hub ended (exit " + hub.exitValue() + "):\n" + text
                        + Files.readString(temp.resolve("hub-err.txt"), StandardCharsets.UTF_8));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("the hub did not say it runs within " + READY_TIMEOUT);
    }
}
