package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
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
 * The quickstart with the device on HTTPS ({@code --protocol HTTPS}), which the Azure device SDK opens on port 443
 * only: the device says once that IoT Hub offers no methods or twin over HTTPS and keeps sending, and the back-end's
 * {@code --read-telemetry} prints its messages from the Event Hubs-compatible endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpsQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 443, 5671, 5672);

    @TempDir
    Path dataDirectory;

    @Test
    void theDevicesHttpsTelemetryReachesTheBackEndsReadTelemetry() throws Exception {
        Path hubData = dataDirectory.resolve("hub");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).build().start()) {
            Port443.require(hub, ADDRESS);
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(6),
                    ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                        "--protocol", "HTTPS", "--interval", "1", "--count", "3"));
                device.awaitStdout("Message 2 acknowledged", Duration.ofSeconds(30));

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS,
                        "--read-telemetry", "--from-start", "--count", "2")).as(backEnd.toString()).isZero();
                assertThat(backEnd.stdout())
                        .contains("Telemetry from MyJavaDevice (partition ")
                        .contains("\"temperature\":")
                        .contains("Application properties (set by device): {temperatureAlert=")
                        .contains("iothub-connection-device-id=MyJavaDevice")
                        .contains("Read 2 telemetry messages.");

                assertThat(deviceExit.get(30, TimeUnit.SECONDS)).as(device.toString()).isZero();
                assertThat(device.stdout()).contains("over HTTPS")
                        .contains("no direct methods and no device twin")
                        .contains("Stopped after 3 message(s).");
                assertThat(device.stderr()).as("no warning: methods and twin are not tried over HTTPS").isEmpty();
            }
        }
    }
}
