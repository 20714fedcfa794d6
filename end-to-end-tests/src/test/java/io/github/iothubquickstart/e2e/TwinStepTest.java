package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.e2e.RepeatedByProperty;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The twin step of the quickstart: the device reports its interval, the back-end sets a desired interval, the
 * device obeys it (messages come 3 s apart) and reports it, and the back-end shows the reported value. Runs
 * {@code -Dtwin.repeat} times (once by default).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwinStepTest {
    /** Long enough for the device's three attempts of 5 s at a report whose answer the device SDK lost. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    String address;
    Environment environment;
    final ConsoleCapture device = new ConsoleCapture();

    @BeforeEach
    void pointTheAppsAtTheHub() {
        address = hub.hub().bindAddress();
        environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hub.hub().dataDirectory().toString())::get;
    }

    @RepeatedByProperty
    void backEndSetsTheDesiredIntervalAndSeesTheDeviceReportIt() throws Exception {
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(3), address)) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(
                    "--connection-string", hub.deviceConnectionString("MyJavaDevice"), "--interval", "1", "--count", "6"));
            telemetry.take(1);

            String reportedAtStart = awaitTwinShowing("reported telemetryInterval 1 s");
            assertThat(reportedAtStart).contains("Device MyJavaDevice twin: connected");

            ConsoleCapture setDesired = backEnd("--desired-interval", "3");
            assertThat(setDesired.stdout()).contains("desired telemetryInterval set to 3 s");

            telemetry.take(1); // the one already due at the old pace may still come 1 s later
            List<TelemetryMessage> after = telemetry.take(3);
            ReceivedTelemetry.assertGapsBetween(after, Duration.ofMillis(2_500), Duration.ofMillis(4_500), "gap after the desired change");
            String shown = awaitTwinShowing("reported telemetryInterval 3 s");
            assertThat(shown).contains("twin: connected").contains("desired telemetryInterval 3 s");
            // The hub stored the report before answering it, so the device may print its answer a moment later.
            device.awaitStdout("Reported telemetryInterval 3 s", ANSWER_WAIT);
            assertThat(device.stdout()).contains("Desired telemetryInterval 3");
            assertThat(deviceExit.get(30, TimeUnit.SECONDS)).as(device.toString()).isZero();
            DeviceTwinRequests.assertHubAnsweredEvery(device, "TwinStepTest");
        }
    }

    /** The back-end's --show-twin, repeated for at most {@link #ANSWER_WAIT}: the device reports asynchronously. */
    private String awaitTwinShowing(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
        String last;
        do {
            last = backEnd("--show-twin").stdout();
            if (last.contains(expected)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("the twin did not show \"" + expected + "\" within " + ANSWER_WAIT.toSeconds()
                + " s; last: " + last + "\ndevice: " + device);
    }

    private ConsoleCapture backEnd(String... options) {
        ConsoleCapture console = new ConsoleCapture();
        List<String> args = new ArrayList<>(List.of("--connection-string", hub.serviceConnectionString("service")));
        args.addAll(List.of(options));
        int exit = BackEndApplication.run(environment, console.out(), console.err(), address, args.toArray(String[]::new));
        assertThat(exit).as(console.toString()).isZero();
        return console;
    }
}
