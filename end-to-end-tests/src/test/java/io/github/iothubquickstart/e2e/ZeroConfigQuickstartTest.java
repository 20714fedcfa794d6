package io.github.iothubquickstart.e2e;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhubclient.LocalHubProbe;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No connection strings at all: the back-end says no hub runs; the device starts one in its own process; the
 * back-end then finds it and its credentials; the hub stops with the device. A hub already running (as
 * {@code local-hub.jar start} runs one) is found through what it publishes in its data directory, and a hub of
 * another data directory is named, not used.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZeroConfigQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    Path dataDirectory;

    @Test
    void deviceStartsALocalHubThatTheBackEndFinds() throws Exception {
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.resolve("hub").toString())::get;
        ConsoleCapture noHub = new ConsoleCapture();

        assertThat(BackEndApplication.run(environment, noHub.out(), noHub.err(), ADDRESS, "--interval", "2")).isEqualTo(7);
        assertThat(noHub.stderr().strip()).isEqualTo("error: no connection string given and no local hub is running on "
                + ADDRESS + ":8443: start the simulated device first (it starts one), or "
                + "java -jar local-hub/target/local-hub.jar, or pass --connection-string");

        ConsoleCapture device = new ConsoleCapture();
        try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(1), ADDRESS)) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--interval", "1"));
            waitFor(() -> device.stdout().contains("Message 1 acknowledged"), device);
            assertThat(device.stdout()).contains("starting one inside this process");

            ConsoleCapture backEnd = new ConsoleCapture();
            assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS, "--interval", "2"))
                    .as(backEnd.toString()).isZero();
            assertThat(backEnd.stdout()).contains("answered status 200");

            app.stop();
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
        }
        assertThat(LocalHubProbe.isListening(ADDRESS, 8883)).as("the hub stops with the device").isFalse();
    }

    @Test
    void bothAppsUseAHubAlreadyRunningThroughWhatItPublishes() throws Exception {
        Path hubData = dataDirectory.resolve("hub");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).build().start()) {
            // The device registers itself through the hub's REST API when the hub does not know it.
            assertThat(hub.identity().registry().deleteDevice("MyJavaDevice")).isTrue();
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(2), ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--interval", "1"));
                waitFor(() -> device.stdout().contains("Message 1 acknowledged"), device);
                assertThat(device.stdout()).contains("using the local hub running on " + ADDRESS + ":8883")
                        .doesNotContain("starting one");

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS, "--interval", "2"))
                        .as(backEnd.toString()).isZero();
                assertThat(backEnd.stdout()).contains("MyJavaDevice answered status 200");

                app.stop();
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            }
            assertThat(LocalHubProbe.isListening(ADDRESS, 8883)).as("a hub the device did not start keeps running").isTrue();
        }
    }

    @Test
    void aHubOfAnotherDataDirectoryIsNamedNotUsed() {
        Path theirs = dataDirectory.resolve("theirs");
        Environment mine = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.resolve("mine").toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(theirs).build().start()) {
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(mine, device.out(), device.err(), new Random(3), ADDRESS)) {
                assertThat(app.run("--count", "1")).as(device.toString()).isEqualTo(2);
            }
            assertThat(device.stderr().strip()).isEqualTo("error: something listens on " + ADDRESS + ":8883 but no local"
                    + " hub runs on the data directory " + dataDirectory.resolve("mine") + " (no running-hub.properties"
                    + " there): it is a local hub started with another data directory, or an older local hub; set"
                    + " LOCAL_IOTHUB_DATA_DIR to its data directory, or restart it with this version");

            ConsoleCapture backEnd = new ConsoleCapture();
            assertThat(BackEndApplication.run(mine, backEnd.out(), backEnd.err(), ADDRESS, "--interval", "2"))
                    .as(backEnd.toString()).isEqualTo(2);
            assertThat(backEnd.stderr()).contains("something listens on " + ADDRESS + ":8443 but no local hub runs on")
                    .contains("set LOCAL_IOTHUB_DATA_DIR");
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, ConsoleCapture console) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting; console so far:\n" + console).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
