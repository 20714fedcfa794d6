package io.github.iothubquickstart.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The chaos soak's short run, as CI runs it: the shaded hub jar this build made, SIGKILLed at least five times on a
 * fixed seed while devices on all four transports and a back-end use it; nothing the SDKs saw acknowledged may be
 * lost. No timing is asserted: the machine is shared.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class HubBenchSoakTest {
    /** Built by local-hub's package phase, before this module's tests in the reactor. */
    private static final Path HUB_JAR = Path.of("..", "local-hub", "target", "local-hub.jar");
    private static final int MIN_KILLS = 5;

    @TempDir
    Path temp;

    @Test
    void theHubKilledAtLeastFiveTimesLosesNothingOnAnyTransport() {
        String address = LoopbackAddresses.pickFree(8883, 5671, 5672, 443, 8443);
        SoakScenario soak = new SoakScenario();
        StringWriter errors = new StringWriter();
        int exitCode = new CommandLine(soak).setErr(new PrintWriter(errors)).execute("--seed", "22",
                "--duration", "40s", "--min-kills", Integer.toString(MIN_KILLS),
                "--kill-every-min", "4", "--kill-every-max", "8",
                "--devices-per-transport", "3", "--telemetry-interval-ms", "250", "--back-end-interval-ms", "100",
                "--drain-timeout", "120s", "--hub-jar", HUB_JAR.toString(), "--data-dir", temp.resolve("hub").toString(),
                "--bind", address);

        SoakScenario.Outcome outcome = soak.outcome;
        assertThat(outcome).as("soak outcome; errors: %s", errors).isNotNull();
        assertThat(outcome.verdict().lost()).as("lost items").isEmpty();
        assertThat(outcome.verdict().violations()).as("violations").isEmpty();
        assertThat(outcome.unexplainedRewinds()).as("processor rewinds not to a checkpoint").isZero();
        assertThat(outcome.kills()).isGreaterThanOrEqualTo(MIN_KILLS);
        assertThat(outcome.verdict().tallies()).containsOnlyKeys(IotHubClientProtocol.MQTT,
                IotHubClientProtocol.MQTT_WS, IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS);
        outcome.verdict().tallies().forEach((transport, tally) -> {
            assertThat(tally.telemetryAcknowledged).as("%s telemetry acknowledged", transport).isPositive();
            assertThat(tally.telemetryRead).as("%s telemetry read", transport).isGreaterThanOrEqualTo(tally.telemetryAcknowledged);
            assertThat(tally.cloudToDeviceAccepted).as("%s C2D accepted", transport).isPositive();
            assertThat(tally.methodsAnswered).as("%s methods answered", transport).isPositive();
            assertThat(tally.registryIntact).as("%s devices and modules intact", transport).isEqualTo(2L * tally.devices);
        });
        assertThat(outcome.starts()).hasSize(outcome.kills() + 1)
                .allSatisfy(start -> assertThat(start.residentBytes()).isPositive());
        assertThat(outcome.residentAtEnd()).isPositive();
        assertThat(exitCode).as("exit code; errors: %s", errors).isZero();
    }
}
