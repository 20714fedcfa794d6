package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.e2e.TestHub;
import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code ca-certificate add} and {@code remove} beside a hub running on the same data directory: the hub's
 * {@link TrustedCertificateAuthorities} (what a device's chain is checked against) shows the change at its very next
 * read, with no restart and no wait, as {@code device create} does for devices.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CaCertificateOnRunningHubTest {
    @TempDir
    static Path files;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    private static int run(String... args) {
        CommandLine commandLine = LocalHubCli.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] withDataDirectory = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--data-dir", hub.dataDirectory().toString())).toArray(String[]::new);
        int status = commandLine.execute(withDataDirectory);
        assertThat(status).as(err.toString()).isZero();
        return status;
    }

    @Test
    void aCaAddedByTheCliCountsOnTheRunningHubAtOnceAndARemovedOneStopsCounting() throws Exception {
        TrustedCertificateAuthorities trusted = hub.hub.trustedCertificateAuthorities();
        assertThat(trusted.trustedCertificates()).isEmpty();
        Instant now = Instant.now();
        ClientCertificates.Issued root = ClientCertificates.rootCa("Fleet Root", now.minusSeconds(60),
                now.plus(Duration.ofDays(30)));
        Path file = files.resolve("fleet-root.pem");
        Pem.writeCertificates(file, List.of(root.certificate()));

        run("ca-certificate", "add", "--name", "fleet-root", "--file", file.toString());

        assertThat(trusted.trustedCertificates()).containsExactly(root.certificate());

        run("ca-certificate", "remove", "--name", "fleet-root");

        assertThat(trusted.trustedCertificates()).isEmpty();
    }
}
