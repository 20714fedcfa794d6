package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code local-hub connection-string} run beside a hub started with {@code --https-port 443} on an address of its
 * own: the strings it prints are the running hub's, and the unmodified SDKs connect with them as they are.
 */
class ConnectionStringCommandEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().httpsOn443().build();

    @BeforeAll
    static void registerTheDevices() {
        hub.registerDevice("copied-device");
        hub.registerModule("copied-device", "copied-module");
    }

    /** What a user sees running the command: its exit status, stdout lines and stderr lines. */
    record Run(int status, List<String> out, List<String> err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> withDataDirectory = new ArrayList<>(List.of(args));
        withDataDirectory.addAll(List.of("--data-dir", hub.dataDirectory().toString()));
        int status = commandLine.execute(withDataDirectory.toArray(String[]::new));
        return new Run(status, out.toString().lines().toList(), err.toString().lines().toList());
    }

    @Test
    void serviceStringNamesTheRunningHubAndTheSdkParsesAndUsesItAsItIs() throws Exception {
        Run run = run("connection-string", "--policy", "iothubowner");

        assertThat(run.status()).isZero();
        String printed = run.out().get(0);
        // The SDK's connection-string constructor: port 443, the hub's CA trusted through HttpsURLConnection (TestHub).
        Device device = new RegistryClient(printed).getDevice("copied-device");
        assertThat(device.getDeviceId()).isEqualTo("copied-device");
        assertThat(printed).startsWith("HostName=" + hub.hub.hostName() + ";SharedAccessKeyName=iothubowner;");
        assertThat(run.err()).containsExactly("From the local hub running on " + hub.hub.hostName()
                + " (HTTPS port 443, process " + ProcessHandle.current().pid() + "), data directory " + hub.dataDirectory());
    }

    @Test
    void deviceStringConnectsADeviceClientToTheRunningHub() throws Exception {
        Run run = run("connection-string", "--device", "copied-device");

        assertThat(run.status()).isZero();
        DeviceClient device = hub.deviceWithConnectionString(run.out().get(0), IotHubClientProtocol.MQTT);
        device.open(false);
        TestHub.awaitThat(() -> hub.hub.isDeviceConnected("copied-device"), Duration.ofSeconds(10), "the device connects");
        device.close();
        assertThat(run.err()).singleElement().asString().startsWith("From the local hub running on " + hub.hub.hostName());
    }

    @Test
    void moduleAndEventHubsStringsAreTheRunningHubs() {
        assertThat(run("connection-string", "--device", "copied-device", "--module", "copied-module").out())
                .containsExactly(hub.hub.moduleConnectionString("copied-device", "copied-module"));
        assertThat(run("connection-string", "--event-hubs").out())
                .containsExactly(hub.hub.eventHubsConnectionString("service", false));
        assertThat(run("connection-string", "--event-hubs", "--tls").out())
                .containsExactly(hub.hub.eventHubsConnectionString("service", true));
    }

    @Test
    void explicitOptionsWinOverTheRunningHub() {
        Run run = run("connection-string", "--host-name", "myhub.example.test", "--https-port", "9443");

        assertThat(run.out()).singleElement().asString().startsWith("HostName=myhub.example.test:9443;");
        assertThat(run.err().get(0)).startsWith("From the local hub running on " + hub.hub.hostName())
                .endsWith("; --host-name myhub.example.test as given; --https-port 9443 as given");
    }

    @Test
    void storageStringOpensTheBuiltInBlobEndpointWithTheAzureStorageSdk() {
        Run run = run("connection-string", "--storage");

        assertThat(run.status()).isZero();
        assertThat(run.out()).containsExactly(hub.hub.storageConnectionString());
        com.azure.storage.blob.BlobServiceClient storage = new com.azure.storage.blob.BlobServiceClientBuilder()
                .connectionString(run.out().get(0)).httpClient(AzureStorageClients.trusting(hub.hub.caCertificateFile()))
                .buildClient();
        storage.createBlobContainer("from-cli").getBlobClient("note.txt")
                .upload(com.azure.core.util.BinaryData.fromString("written with the printed string"));
        assertThat(storage.getBlobContainerClient("from-cli").getBlobClient("note.txt").downloadContent().toString())
                .isEqualTo("written with the printed string");
    }
}
