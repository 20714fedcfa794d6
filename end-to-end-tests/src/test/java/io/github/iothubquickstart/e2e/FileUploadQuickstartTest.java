package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file upload quickstart: {@code simulated-device --upload FILE} gets a SAS URI from the local hub it finds by
 * itself, uploads the file with the Azure Storage SDK to the hub's built-in blob endpoint and reports it done;
 * {@code back-end-application --watch-uploads} prints the hub's notification of it (its size) and completes it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileUploadQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 443, 5671, 5672);

    @TempDir
    Path dataDirectory;

    @Test
    void theDevicesUploadIsPrintedByTheBackEndWatchingUploads() throws Exception {
        Path hubData = dataDirectory.resolve("hub");
        Path report = Files.writeString(dataDirectory.resolve("report.txt"), "temperature,21.5\n".repeat(100));
        Environment environment = Map.of("LOCAL_IOTHUB_DATA_DIR", hubData.toString())::get;
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(hubData).build().start()) {
            Port443.require(hub, ADDRESS);
            ConsoleCapture backEnd = new ConsoleCapture();
            CompletableFuture<Integer> watching = CompletableFuture.supplyAsync(() -> BackEndApplication.run(
                    environment, backEnd.out(), backEnd.err(), ADDRESS, "--watch-uploads", "--count", "1"));

            ConsoleCapture device = new ConsoleCapture();
            try (DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(7),
                    ADDRESS)) {
                assertThat(app.run("--upload", report.toString())).as(device.toString()).isZero();
            }
            assertThat(device.stdout()).contains("Uploaded " + report + " to https://" + hub.hostName() + ":"
                    + hub.httpsPort() + "/localhub/fileupload/MyJavaDevice/report.txt");

            assertThat(watching.get(60, TimeUnit.SECONDS)).as(backEnd.toString()).isZero();
            assertThat(backEnd.stdout())
                    .contains("Watching file uploads to " + hub.hostName())
                    .contains("File uploaded by MyJavaDevice: MyJavaDevice/report.txt (1700 bytes, written ")
                    .contains("Completed 1 file upload notification(s).");
        }
    }
}
