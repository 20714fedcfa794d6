package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quickstart as a user runs it, with connection strings from {@code local-hub connection-string}: the device
 * sends telemetry, the back-end sets the interval to 3 s and gets 200, and the messages then come 3 s apart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QuickstartFlowTest {
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    String address;
    Environment environment;
    final ConsoleCapture device = new ConsoleCapture();
    final ConsoleCapture backEnd = new ConsoleCapture();

    @BeforeEach
    void pointTheAppsAtTheHub() {
        address = hub.hub().bindAddress();
        // The apps find the hub's CA through the data directory, as they do on a user's machine.
        environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hub.hub().dataDirectory().toString())::get;
    }

    @Test
    void backEndChangesTheIntervalOfARunningDevice() throws Exception {
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(7), address)) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                    "--connection-string", hub.deviceConnectionString("MyJavaDevice"), "--interval", "1", "--count", "5"));

            List<TelemetryMessage> before = telemetry.take(2);
            before.forEach(QuickstartFlowTest::assertQuickstartTelemetry);

            int backEndExit = BackEndApplication.run(environment, backEnd.out(), backEnd.err(), address,
                    "--connection-string", hub.serviceConnectionString("service"), "--interval", "3");

            assertThat(backEndExit).as(backEnd.toString()).isZero();
            assertThat(backEnd.stdout()).contains("MyJavaDevice answered status 200").contains("\"telemetryInterval\":3");
            List<TelemetryMessage> after = telemetry.take(3);
            ReceivedTelemetry.assertGapsBetween(after, Duration.ofMillis(2_500), Duration.ofMillis(4_500), "gap between messages after the change");
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            assertThat(device.stdout()).contains("Direct method SetTelemetryInterval").contains("Stopped after 5 message(s).");
            DeviceTwinRequests.assertHubAnsweredEvery(device, "QuickstartFlowTest");
        }
    }

    private static void assertQuickstartTelemetry(TelemetryMessage message) {
        assertThat(message.deviceId()).isEqualTo("MyJavaDevice");
        assertThat(message.systemProperties()).containsEntry("$.ct", "application/json").containsEntry("$.ce", "utf-8");
        JsonObject body = JsonParser.parseString(new String(message.body(), StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(body.keySet()).containsExactlyInAnyOrder("temperature", "humidity");
        boolean hot = body.get("temperature").getAsDouble() > 30;
        assertThat(message.applicationProperties()).containsEntry("temperatureAlert", Boolean.toString(hot));
    }
}
