package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.iothubquickstart.localhub.LocalHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
                .startsWith("| connect | local-hub | 5 TLS devices, cold (no warm-up) | ")
                .containsPattern("\\| [\\d,]+ connects/s \\(server CPU [\\d.]+ ms/connect\\) \\|")
                .containsPattern("KB heap/device, -?[\\d.]+ KB RSS/device")
                .doesNotContain("failed");
    }

    @Test
    void connectHoldsTheFleetWithSomeDevicesSendingAndCountsWhatWasLost() throws IOException {
        List<String> rows = run("connect", "--devices", "5", "--idle-seconds", "0", "--hold-seconds", "2",
                "--senders", "2", "--keep-alive-seconds", "30", "--source-addresses", "127.0.0.1," + ADDRESS,
                "--hub-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).startsWith("| connected, 2 s, keep-alive 30 s | local-hub | 3 idle + 2 sending 1 msg/s | ")
                .contains(" 0 failed, 0 unacked)").contains("| 0 dropped |").contains("RSS/device (in all: heap ");
    }

    @Test
    void connectWarmsTheServerUpWithDevicesThatDisconnectBeforeTheMeasuredStorm() throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> rows = runPrinting(output, "connect", "--devices", "3", "--warmup-devices", "4",
                "--idle-seconds", "0", "--quiet-timeout-seconds", "5",
                "--hub-pid", Long.toString(ProcessHandle.current().pid()));

        assertThat(rows).singleElement().asString()
                .startsWith("| connect | local-hub | 3 TLS devices, warm (after 4 warm-up connects) | ")
                .doesNotContain("failed");
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("warm-up: 4 connected in ")
                .contains("local-hub quiet after ");
    }

    @Test
    void telemetryAlternatesRoundsAndReportsEachRateAndTheirMean() throws Exception {
        AtomicLong received = new AtomicLong();
        List<String> rows;
        try (AutoCloseable ignored = hub.telemetry().subscribe(message -> received.incrementAndGet())) {
            rows = run("telemetry", "--devices", "2", "--in-flight", "1", "--warmup-seconds", "1",
                    "--seconds", "1", "--rounds", "2", "--hub-pid", Long.toString(ProcessHandle.current().pid()));
        }

        Matcher row = Pattern.compile("\\| mean ([\\d,]+) acked msg/s \\(rounds ([\\d,]+) / ([\\d,]+); server busy [\\d.]+ cores; [\\d.]+ \\+ [\\d.]+ us CPU per message, user \\+ kernel\\) \\| "
                + "[\\d.]+ ms / [\\d.]+ ms / [\\d.]+ ms \\| RSS [1-9][\\d,]* MB \\| ").matcher(rows.get(0));
        assertThat(rows).singleElement().asString().startsWith("| telemetry | local-hub | 2 devices x 1 in flight, 200 B QoS 1 | ");
        assertThat(row.find()).as("row %s", rows.get(0)).isTrue();
        double first = number(row.group(2));
        double second = number(row.group(3));
        assertThat(first).isPositive();
        assertThat(second).isPositive();
        assertThat(number(row.group(1))).isCloseTo((first + second) / 2, within(1.0));
        // Each round covers at least 1 s of acknowledged messages, and the hub acknowledges only what it accepted.
        assertThat((double) received.get()).isGreaterThanOrEqualTo((first + second) * 0.99);
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
                .containsPattern("\\| [1-9][\\d,]* acked msg/s \\(server busy [\\d.]+ cores; [\\d.]+ \\+ [\\d.]+ us CPU per message, user \\+ kernel\\) \\| [\\d.]+ ms / ")
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
        return runPrinting(null, scenario, options);
    }

    /** As {@link #run}, with what the tool prints copied into {@code output} when that is given. */
    private static List<String> runPrinting(ByteArrayOutputStream output, String scenario, String... options)
            throws IOException {
        Path results = Files.createTempFile(temp, scenario, ".md");
        List<String> args = new ArrayList<>(List.of(scenario, "--hub-data-dir", hub.dataDirectory().toString(),
                "--hub-host", ADDRESS, "--results", results.toString(), "--client-threads", "1"));
        args.addAll(List.of(options));
        StringWriter errors = new StringWriter();
        PrintStream stdout = System.out;
        int exitCode;
        try {
            if (output != null) {
                // The scenarios print to the System.out they find when picocli creates them.
                System.setOut(new PrintStream(new TeeOutputStream(stdout, output), true, StandardCharsets.UTF_8));
            }
            exitCode = new CommandLine(new HubBench()).setErr(new PrintWriter(errors)).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }

        assertThat(exitCode).as("exit code of hub-bench %s; errors: %s", args, errors).isZero();
        return Files.readAllLines(results);
    }

    private static double number(String withCommas) {
        return Double.parseDouble(withCommas.replace(",", ""));
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

    /** Writes to two streams. */
    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeOutputStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
