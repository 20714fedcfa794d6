package io.github.iothubquickstart.localhub.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Azurite's Blob service, unmodified from npm ({@code src/test/node-storage}: its {@code package.json} and committed
 * {@code package-lock.json} pin the version), installed like the Node SDKs ({@link NodeSdk#install}) and started on a
 * free port of a loopback address with HTTPS, its certificate and key given (the device SDK always builds
 * {@code https://{hostName}/...}), one account whose key the test makes.
 *
 * <p>Without Node.js and npm the caller is skipped with the reason in one line, unless {@value #REQUIRED} is true
 * (CI's {@code .ci/run} sets it), which makes it fail instead.
 */
final class AzuriteProcess implements AutoCloseable {
    static final String REQUIRED = "localhub.requireAzurite";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    final String host;
    final int port;

    private AzuriteProcess(Process process, Path log, String host, int port) {
        this.process = process;
        this.log = log;
        this.host = host;
        this.port = port;
    }

    /**
     * Azurite serving {@code account} (key base64 {@code key}) on {@code host}, with the TLS certificate and key given
     * (PEM), keeping its data in {@code location}.
     */
    static AzuriteProcess start(String host, String account, String key, Path certificate, Path privateKey,
                                Path location) {
        Path installed = installNodeStorage();
        int port = freePort(host);
        Path log = location.resolve("azurite.log");
        try {
            Files.createDirectories(location);
            ProcessBuilder builder = new ProcessBuilder(List.of("node",
                    installed.resolve("node_modules/azurite/dist/src/blob/main.js").toString(),
                    "--blobHost", host, "--blobPort", Integer.toString(port), "--location", location.toString(),
                    "--cert", certificate.toString(), "--key", privateKey.toString(), "--skipApiVersionCheck",
                    "--disableProductStyleUrl"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // Azurite's own account (devstoreaccount1) and its well-known key give way to the test's.
            builder.environment().put("AZURITE_ACCOUNTS", account + ":" + key);
            AzuriteProcess azurite = new AzuriteProcess(builder.start(), log, host, port);
            azurite.awaitListening();
            return azurite;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project {@code src/test/node-storage} installed, for its scripts (the Storage SDK for JavaScript). */
    static NodeSdk installedNodeStorage() {
        return new NodeSdk(installNodeStorage());
    }

    private static synchronized Path installNodeStorage() {
        NodeSdk.whyNoNode().ifPresent(AzuriteProcess::skipOrFail);
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        return NodeSdk.install(module.resolve("src/test/node-storage"), module.resolve("target/node-storage"));
    }

    /** {@code https://host:port/account}: the BlobEndpoint of the account's connection string. */
    String blobEndpoint(String account) {
        return "https://" + host + ":" + port + "/" + account;
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Azurite ended before it listened: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        fail("Azurite did not listen on " + host + ":" + port + " within " + START_TIMEOUT + ": " + Files.readString(log));
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void skipOrFail(String reason) {
        String message = "Azurite tests need Node.js and npm, and " + reason + ": install them (apt-get install nodejs"
                + " npm)";
        if (Boolean.getBoolean(REQUIRED)) {
            fail(message + " (" + REQUIRED + "=true)");
        }
        System.out.println("Skipped: " + message + "; -D" + REQUIRED + "=true makes this a failure");
        Assumptions.abort(message);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
