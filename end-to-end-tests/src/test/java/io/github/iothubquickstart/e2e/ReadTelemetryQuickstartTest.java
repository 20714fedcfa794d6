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
 * The quickstart's second half: the simulated device sends telemetry, and the back-end's {@code --read-telemetry}
 * prints it, read with the Azure Event Hubs client from the local hub's Event Hubs-compatible endpoint that it finds
 * by itself (no connection string), as Azure's "send telemetry" quickstart reads IoT Hub's built-in endpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadTelemetryQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);

    @TempDir
    Path dataDirectory;

    @Test
    void theBackEndPrintsTheDevicesTelemetryReadThroughTheEventHubsEndpoint() throws Exception {
        Path hubData = dataDirectory.resolve("hub");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).webSocketPort(0).build()
                .start()) {
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(4),
                    ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--interval", "1"));
                device.awaitStdout("Message 2 acknowledged", Duration.ofSeconds(30));

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS,
                        "--read-telemetry", "--from-start", "--count", "2")).as(backEnd.toString()).isZero();
                assertThat(backEnd.stdout())
                        .contains("Reading telemetry from event hub " + hub.hubName())
                        .contains("Telemetry from MyJavaDevice (partition ")
                        .contains("\"temperature\":")
                        .contains("Application properties (set by device): {temperatureAlert=")
                        .contains("iothub-connection-device-id=MyJavaDevice")
                        .contains("iothub-message-source=Telemetry")
                        .contains("content-encoding=utf-8")
                        .as("the Event Hubs SDK's false absolute-expiry-time (its content encoding) is not shown")
                        .doesNotContain("absolute-expiry-time")
                        .contains("Read 2 telemetry messages.");

                ConsoleCapture wrongKey = new ConsoleCapture();
                String badKey = hub.eventHubsConnectionString("service", false)
                        .replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
                assertThat(BackEndApplication.run(environment, wrongKey.out(), wrongKey.err(), ADDRESS,
                        "--read-telemetry", "--count", "1", "--connection-string", badKey))
                        .as(wrongKey.toString()).isEqualTo(6);
                assertThat(wrongKey.stderr()).contains("rejected the credentials");

                app.stop();
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            }
        }
    }
}
