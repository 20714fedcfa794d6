package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.storage.SqliteDeviceRegistry;
import picocli.CommandLine;

/** The registry commands work on the data directory with or without a running hub. */
class LocalHubCliTest {
    @TempDir
    Path dataDirectory;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
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
    void createdDevicesAreListedShownAndDeleted() {
        assertThat(run("device", "create", "sensor-1")).isZero();
        assertThat(out.toString()).contains("deviceId:     sensor-1", "status:       enabled", "primaryKey:");

        assertThat(run("device", "list")).isZero();
        assertThat(out.toString()).contains("MyJavaDevice\nsensor-1\n");

        assertThat(run("device", "delete", "sensor-1")).isZero();
        assertThat(run("device", "show", "sensor-1")).isEqualTo(1);
        assertThat(err.toString()).contains("local-hub: Device sensor-1 is not registered");
    }

    @Test
    void connectionStringsAreInTheFormsTheSdksTake() {
        run("device", "list");

        assertThat(run("connection-string", "--device", "MyJavaDevice")).isZero();
        assertThat(run("connection-string")).isZero();

        String[] lines = out.toString().split("\n");
        assertThat(lines[lines.length - 2]).matches("HostName=127\\.0\\.0\\.1;DeviceId=MyJavaDevice;SharedAccessKey=[A-Za-z0-9+/=]{44}");
        assertThat(lines[lines.length - 1]).matches("HostName=127\\.0\\.0\\.1:8443;SharedAccessKeyName=service;SharedAccessKey=[A-Za-z0-9+/=]{44}");
        assertThat(err.toString()).as("with no hub running, the defaults, and the command says so")
                .contains("No local hub runs on the data directory " + dataDirectory + ": the defaults a hub starts with"
                        + " (127.0.0.1, HTTPS port 8443)\n");
    }

    @Test
    void eventHubsConnectionStringsAreInTheFormsTheEventHubsSdksTake() {
        run("device", "list");

        assertThat(run("connection-string", "--event-hubs")).isZero();
        assertThat(run("connection-string", "--event-hubs", "--tls")).isZero();
        assertThat(run("connection-string", "--tls")).isEqualTo(1);

        String[] lines = out.toString().split("\n");
        assertThat(lines[lines.length - 2]).matches("Endpoint=sb://127\\.0\\.0\\.1;SharedAccessKeyName=service;"
                + "SharedAccessKey=[A-Za-z0-9+/=]{44};EntityPath=local-iothub;UseDevelopmentEmulator=true");
        assertThat(lines[lines.length - 1]).matches("Endpoint=sb://127\\.0\\.0\\.1/;SharedAccessKeyName=service;"
                + "SharedAccessKey=[A-Za-z0-9+/=]{44};EntityPath=local-iothub");
        assertThat(err.toString()).contains("--tls goes with --event-hubs");
    }

    @Test
    void moduleConnectionStringNamesDeviceAndModule() {
        run("device", "create", "gateway");
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.openExisting(dataDirectory.resolve(DataDirectory.REGISTRY_DATABASE))) {
            registry.createModule("gateway", "sensor", null, null, null);
        }

        assertThat(run("connection-string", "--device", "gateway", "--module", "sensor")).isZero();
        assertThat(run("connection-string", "--module", "sensor")).isEqualTo(1);

        assertThat(out.toString().strip().lines().reduce((first, last) -> last).orElseThrow())
                .matches("HostName=127\\.0\\.0\\.1;DeviceId=gateway;ModuleId=sensor;SharedAccessKey=[A-Za-z0-9+/=]{44}");
        assertThat(err.toString()).contains("--module needs --device");
    }

    @Test
    void badDeviceIdIsOneLineAndAFailure() {
        assertThat(run("device", "create", "bad/id")).isEqualTo(1);

        assertThat(err.toString().lines()).hasSize(1).allMatch(line -> line.startsWith("local-hub: "));
    }

    @Test
    void connectionStringWithoutHubDataSaysToStartTheHub() {
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("connection-string", "--data-dir", dataDirectory.resolve("none").toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("start the local hub first");
    }

    @Test
    void startRefusesANumberOfEventLoopsItCannotUseAndSaysWhichItCan() {
        assertThat(run("start", "--event-loops", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--event-loops must be 1 to 256, not 0.");
    }

    @Test
    void startRefusesAFileUploadContainerAzureWouldRefuse() {
        assertThat(run("start", "--file-upload-container", "Uploads_2")).isEqualTo(2);
        assertThat(err.toString()).contains("The file upload container Uploads_2 is not a container name");
    }

    @Test
    void startHelpSaysHowManyEventLoopsTheHubUsesByDefault() {
        assertThat(run("start", "--help")).isZero();
        int defaultLoops = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertThat(out.toString()).contains("--event-loops=N").contains("here " + defaultLoops + ")");
    }
}
