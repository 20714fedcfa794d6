package io.github.iothubquickstart.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hub-bench startup} with tiny counts on an in-process hub, so the tool keeps working; no timing is checked. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StartupScenarioTest {
    @TempDir
    Path temp;

    @Test
    void inProcessStartsReportReadinessAndColdAndWarmConnects() throws Exception {
        Path results = temp.resolve("startup.md");

        int exitCode = new CommandLine(new HubBench()).execute("startup", "--in-process", "--runs", "2",
                "--connects", "3", "--client-threads", "1", "--results", results.toString());

        assertThat(exitCode).isZero();
        List<String> rows = Files.readAllLines(results, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("| startup | in-process (LocalIotHubExtension) | hub 1 in a fresh JVM | ");
        assertThat(rows.get(1)).startsWith("| startup | in-process (LocalIotHubExtension) | hub 2, same JVM | ");
        assertThat(rows).allSatisfy(row -> assertThat(row)
                .containsPattern("\\| ready in [\\d.]+ s \\([\\d.]+ s JVM CPU\\) \\|")
                .containsPattern("\\| 3 cold TLS connects in [\\d.]+ s, [\\d.]+ ms JVM CPU, hub and load generator/connect \\|")
                .containsPattern("\\| warm: [\\d.]+ s, [\\d.]+ ms/connect \\| cold/warm CPU [\\d.]+x \\|")
                .doesNotContain("failed"));
    }

    @Test
    void aJarThatIsNoHubIsReportedRatherThanWaitedOnForever() throws Exception {
        Path notAHub = Files.writeString(temp.resolve("not-a-hub.jar"), "not a jar");

        StringWriter errors = new StringWriter();
        CommandLine commandLine = new CommandLine(new HubBench());
        commandLine.setErr(new PrintWriter(errors, true));

        int exitCode = commandLine.execute("startup", "--jar", notAHub.toString(), "--bind", "127.0.23.254",
                "--runs", "1", "--connects", "1");

        assertThat(exitCode).isNotZero();
        assertThat(errors.toString()).contains("the hub ended before it listened on 127.0.23.254");
    }
}
