package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs every scenario of the load tool with tiny counts against an in-process hub, so the tool keeps working.
 * Only completion and counts are checked: timings on a shared CI machine mean nothing.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HubBenchSmokeTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    static Path temp;

    private static LocalHub hub;

    @BeforeAll
    static void startHub() {
        hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(temp.resolve("hub")).httpsPort(0).build().start();
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void connectReportsConnectsPerSecondAndHubMemory() throws IOException {
        List<String> rows = run("connect", "--devices", "5", "--idle-seconds", "0",
                "--hub-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(rows).singleElement().asString()
                .startsWith("| connect | local-hub | 5 TLS devices | ")
                .containsPattern("\\| [\\d,]+ connects/s \\(server CPU [\\d.]+ ms/connect\\) \\|")
                .containsPattern("KB heap/device, -?[\\d.]+ KB RSS/device")
                .doesNotContain("failed");
    }

    @Test
    void telemetryReportsAcknowledgedMessagesAndLatencyAndDrawsPlots() throws Exception {
        Path plots = temp.resolve("telemetry-plots");
        AtomicLong received = new AtomicLong();
        List<String> rows;
        try (AutoCloseable ignored = hub.telemetry().subscribe(message -> received.incrementAndGet())) {
            rows = run("telemetry", "--devices", "2,3", "--in-flight", "2", "--warmup-seconds", "1",
                    "--seconds", "2", "--plots", plots.toString(), "--hub-pid", Long.toString(ProcessHandle.current().pid()));
        }

        assertThat(rows).hasSize(2);
        // Each rate covers at least 2 s of acknowledged messages, and the hub acknowledges only what it accepted.
        double acknowledgedAtLeast = 2 * (ackedRate(rows.get(0)) + ackedRate(rows.get(1)));
        assertThat((double) received.get()).isGreaterThanOrEqualTo(acknowledgedAtLeast * 0.99);
        assertThat(rows.get(1)).startsWith("| telemetry | local-hub | 3 devices x 2 in flight, 200 B QoS 1 | ")
                .containsPattern("\\| [1-9][\\d,]* acked msg/s \\(server busy [\\d.]+ cores\\) \\| [\\d.]+ ms / ")
                .containsPattern(" ms \\| RSS [1-9][\\d,]* MB \\| ")
                .doesNotContain("failed");
        assertPng(plots.resolve("telemetry-throughput-inflight2.png"));
        assertPng(plots.resolve("telemetry-latency-inflight2.png"));
    }

    @Test
    void methodsReportsCallsAndLatency() throws IOException {
        Path plots = temp.resolve("methods-plots");
        List<String> rows = run("methods", "--devices", "2", "--callers", "2", "--warmup-seconds", "1",
                "--seconds", "2", "--hub-https-port", Integer.toString(hub.httpsPort()), "--plots", plots.toString(),
                "--hub-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(rows).singleElement().asString()
                .startsWith("| methods | local-hub | 2 HTTPS callers, 2 devices | ")
                .containsPattern("\\| [1-9][\\d,]* calls/s \\| [\\d.]+ ms / ")
                .containsPattern(" ms \\| RSS [1-9][\\d,]* MB \\| ")
                .doesNotContain("errors");
        assertPng(plots.resolve("methods-latency.png"));
    }

    @Test
    void sdkRoundtripComparesTheDeviceSdkPeriods() throws IOException {
        List<String> rows = run("sdk-roundtrip", "--calls", "10", "--warmup-calls", "2", "--periods-ms", "10,1",
                "--hub-https-port", Integer.toString(hub.httpsPort()));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("| sdk-roundtrip | local-hub | 10 sequential calls, device SDK periods 10 ms |");
        assertThat(rows.get(1)).startsWith("| sdk-roundtrip | local-hub | 10 sequential calls, device SDK periods 1 ms |")
                .contains("SDK periods 10 ms -> 1 ms saves").doesNotContain("failed");
    }

    /** Runs hub-bench with the common options; returns the result rows it wrote. */
    private static List<String> run(String scenario, String... options) throws IOException {
        Path results = Files.createTempFile(temp, scenario, ".md");
        List<String> args = new ArrayList<>(List.of(scenario, "--hub-data-dir", hub.dataDirectory().toString(),
                "--hub-host", ADDRESS, "--results", results.toString(), "--client-threads", "1"));
        args.addAll(List.of(options));
        StringWriter errors = new StringWriter();
        int exitCode = new CommandLine(new HubBench()).setErr(new PrintWriter(errors)).execute(args.toArray(String[]::new));

        assertThat(exitCode).as("exit code of hub-bench %s; errors: %s", args, errors).isZero();
        return Files.readAllLines(results);
    }

    private static double ackedRate(String row) {
        Matcher rate = Pattern.compile("\\| ([\\d,]+) acked msg/s").matcher(row);
        assertThat(rate.find()).as("rate in %s", row).isTrue();
        return Double.parseDouble(rate.group(1).replace(",", ""));
    }

    private static void assertPng(Path png) throws IOException {
        assertThat(png).isRegularFile();
        assertThat(ImageIO.read(png.toFile())).as("PNG %s", png).isNotNull()
                .satisfies(image -> assertThat(image.getWidth()).isPositive());
    }
}
