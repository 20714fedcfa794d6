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
 * The quickstart with the device on AMQP ({@code --protocol AMQPS}, which the Azure device SDK opens on port 5671
 * only): telemetry reaches the local hub, and the back-end's direct method changes the device's interval.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AmqpQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);

    @TempDir
    Path dataDirectory;

    @Test
    void deviceOnAmqpsGetsItsNewIntervalFromTheBackEnd() throws Exception {
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.toString())::get;
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).webSocketPort(0)
                .build().start();
             AutoCloseable subscription = hub.telemetry().subscribe(telemetry)) {
            assertThat(hub.amqpPort()).isEqualTo(5671);
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(5), ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                        "--protocol", "AMQPS", "--interval", "1", "--count", "5"));
                telemetry.take(2);

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS, "--interval", "3"))
                        .as(backEnd.toString()).isZero();

                assertThat(backEnd.stdout()).contains("MyJavaDevice answered status 200").contains("\"telemetryInterval\":3");
                ReceivedTelemetry.assertGapsBetween(telemetry.take(3), Duration.ofMillis(2_500), Duration.ofMillis(4_500),
                        "gap between messages after the change");
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
                assertThat(device.stdout()).contains("over AMQPS").contains("Stopped after 5 message(s).");
                DeviceTwinRequests.assertHubAnsweredEvery(device, "AmqpQuickstartTest");
            }
        }
    }
}
