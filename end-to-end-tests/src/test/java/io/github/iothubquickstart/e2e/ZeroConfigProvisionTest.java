package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhubclient.LocalHubProbe;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --provision} with no values: the device starts a local hub in its own process, enrolls itself there
 * (an individual enrollment with a random key, kept for the next run), registers through the hub's DPS and runs as
 * the device it was assigned; the back-end, with no connection string either, changes that device's interval. A hub
 * already running is enrolled on through its provisioning service API, with the policy it publishes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZeroConfigProvisionTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    Path dataDirectory;

    @Test
    void provisionAloneEnrollsOnTheLocalHubItStartsAndTheBackEndFindsTheDevice() throws Exception {
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.resolve("hub").toString())::get;

        for (int run = 1; run <= 2; run++) { // the second run reuses the enrollment and the device it made
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(run),
                    ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--provision",
                        "--interval", "1"));
                waitFor(() -> device.stdout().contains("Message 1 acknowledged"), device);
                assertThat(device.stdout()).contains("starting one inside this process")
                        .contains("--device-id my-provisioned-device --interval 3")
                        .contains("Registering my-provisioned-device with the Device Provisioning Service at " + ADDRESS)
                        .contains("Provisioned: assigned hub " + ADDRESS + ", device id my-provisioned-device");

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS,
                        "--device-id", "my-provisioned-device", "--interval", "2")).as(backEnd.toString()).isZero();
                assertThat(backEnd.stdout()).contains("my-provisioned-device answered status 200");

                app.stop();
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            }
            assertThat(LocalHubProbe.isListening(ADDRESS, 8883)).as("the hub stops with the device").isFalse();
        }
    }

    @Test
    void provisionAloneEnrollsThroughTheProvisioningServiceOfAHubAlreadyRunning() throws Exception {
        Path hubData = dataDirectory.resolve("running");
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).build().start()) {
            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(3),
                    ADDRESS)) {
                CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--provision",
                        "--interval", "1"));
                waitFor(() -> device.stdout().contains("Message 1 acknowledged"), device);
                assertThat(device.stdout()).contains("enrolling my-provisioned-device on the local hub running on "
                        + ADDRESS + ":8883").doesNotContain("starting one")
                        .contains("Provisioned: assigned hub " + ADDRESS + ", device id my-provisioned-device");

                ConsoleCapture backEnd = new ConsoleCapture();
                assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), ADDRESS,
                        "--device-id", "my-provisioned-device", "--interval", "2")).as(backEnd.toString()).isZero();
                assertThat(backEnd.stdout()).contains("my-provisioned-device answered status 200");

                app.stop();
                assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            }
            assertThat(hub.provisioning().individualEnrollment("my-provisioned-device")).isPresent();
            assertThat(LocalHubProbe.isListening(ADDRESS, 8883)).as("a hub the device did not start keeps running")
                    .isTrue();
        }
    }

    @Test
    void aProvisioningHostWhereNothingListensIsNamed() {
        ConsoleCapture device = new ConsoleCapture();
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.resolve("none").toString())::get;
        try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(4),
                ADDRESS)) {
            assertThat(app.run("--provision", "--provisioning-host", ADDRESS, "--id-scope", "0ne00000000",
                    "--registration-id", "sensor-1", "--symmetric-key", "c2Vuc29yLTEta2V5", "--count", "1"))
                    .as(device.toString()).isEqualTo(1);
        }
        assertThat(device.stderr()).startsWith("error: cannot reach the provisioning service at " + ADDRESS + " (")
                .contains("Connection refused").endsWith("): check --provisioning-host (or PROVISIONING_HOST) and the"
                        + " network" + System.lineSeparator());
        assertThat(device.stdout()).doesNotContain("starting one");
    }

    private static void waitFor(BooleanSupplier condition, ConsoleCapture console) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting; console so far:\n" + console).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
