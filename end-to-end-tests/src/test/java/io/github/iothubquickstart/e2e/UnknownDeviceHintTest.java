package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code back-end --device-id Nope} against the local hub names the local hub's own command to register the device,
 * with the hub's data directory, and that command, run as printed, registers it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnknownDeviceHintTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);
    private static final String LOCAL_HUB_JAR = "java -jar local-hub/target/local-hub.jar ";

    @TempDir
    Path dataDirectory;

    @Test
    void theHintIsTheLocalHubsDeviceCreateAndItWorksAsPrinted() {
        Path hubData = dataDirectory.resolve("hub");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).build().start()) {
            ConsoleCapture unknown = new ConsoleCapture();
            assertThat(BackEndApplication.run(environment, unknown.out(), unknown.err(), ADDRESS, "--device-id", "Nope"))
                    .as(unknown.toString()).isEqualTo(4);
            String hint = LOCAL_HUB_JAR + "device create Nope --data-dir " + hubData;
            assertThat(unknown.stderr().strip()).isEqualTo("error: device Nope is not registered in the hub " + ADDRESS
                    + ":8443: check --device-id, or create it with '" + hint + "'");

            assertThat(LocalHubCli.newCommandLine().execute(hint.substring(LOCAL_HUB_JAR.length()).split(" ")))
                    .as("the printed command").isZero();

            ConsoleCapture registered = new ConsoleCapture();
            assertThat(BackEndApplication.run(environment, registered.out(), registered.err(), ADDRESS, "--device-id",
                    "Nope", "--connect-timeout", "0")).as(registered.toString()).isEqualTo(3);
            assertThat(hub.identity().registry().findDevice("Nope")).isPresent();
        }
    }
}
