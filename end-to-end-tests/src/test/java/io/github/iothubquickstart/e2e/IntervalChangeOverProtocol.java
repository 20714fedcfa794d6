package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart's core check with the simulated device on a given device protocol, against a started hub: its
 * telemetry arrives, the back-end's {@code --interval 3} gets status 200, and the messages then come about 3 s apart.
 */
final class IntervalChangeOverProtocol {
    private IntervalChangeOverProtocol() {
    }

    static void check(LocalHub hub, String protocol, String testName) throws Exception {
        String address = hub.bindAddress();
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hub.dataDirectory().toString())::get;
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry)) {
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(5),
                    address)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                        "--protocol", protocol, "--interval", "1", "--count", "5"));
                telemetry.take(2);

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), address, "--interval", "3"))
                        .as(backEnd.toString()).isZero();

                assertThat(backEnd.stdout()).contains("MyJavaDevice answered status 200").contains("\"telemetryInterval\":3");
                ReceivedTelemetry.assertGapsBetween(telemetry.take(3), Duration.ofMillis(2_500), Duration.ofMillis(4_500),
                        "gap between messages after the change");
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
                assertThat(device.stdout()).contains("over " + protocol).contains("Stopped after 5 message(s).");
                DeviceTwinRequests.assertHubAnsweredEvery(device, testName);
            }
        }
    }
}
