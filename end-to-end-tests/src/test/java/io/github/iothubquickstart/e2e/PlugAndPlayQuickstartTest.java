package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated device with {@code --model-id}: it says which IoT Plug and Play model it announces, and the hub keeps
 * that model id in the device's twin from the moment the device is connected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlugAndPlayQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);
    private static final String THERMOSTAT = "dtmi:com:example:Thermostat;1";

    @TempDir
    Path dataDirectory;

    @Test
    void theSimulatedDeviceAnnouncesItsModelAndTheTwinShowsIt() throws Exception {
        Path hubData = dataDirectory.resolve("hub");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).httpsPort(0)
                .webSocketPort(0).build().start()) {
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(3),
                    ADDRESS)) {
                CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> app.run(
                        "--model-id", THERMOSTAT, "--interval", "1", "--count", "2"));
                device.awaitStdout("Message 1 acknowledged", Duration.ofSeconds(30));

                assertThat(device.stdout()).contains("announcing IoT Plug and Play model " + THERMOSTAT);
                assertThat(hub.identity().twins().load("MyJavaDevice").modelId()).isEqualTo(THERMOSTAT);
                assertThat(exit.get(30, TimeUnit.SECONDS)).as(device.toString()).isZero();
            }
        }
    }
}
