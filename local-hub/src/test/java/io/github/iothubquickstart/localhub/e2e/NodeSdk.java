package io.github.iothubquickstart.localhub.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The Azure IoT Node.js SDKs, unmodified from npm, for end-to-end tests: the project in {@code src/test/node}
 * ({@code package.json} and its committed {@code package-lock.json} pin the versions) is installed with {@code npm ci}
 * into {@code target/node-sdk} once (again only when the lock file changed, so offline re-runs download nothing), and
 * {@link #run} runs one of its scripts there with the hub's CA, a connection string and arguments.
 *
 * <p>Where {@code node} or {@code npm} is missing, the caller is skipped with the reason in one line, unless the system
 * property {@value #REQUIRED} is true (CI's {@code .ci/run} sets it), which makes it fail instead.
 */
final class NodeSdk {
    static final String REQUIRED = "localhub.requireNode";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(8);
    private static NodeSdk installed;

    private final Path directory;

    NodeSdk(Path directory) {
        this.directory = directory;
    }

    /** What a script printed (stdout and stderr together) and how it ended. */
    record Result(int exitCode, boolean timedOut, String output) {
        @Override
        public String toString() {
            return (timedOut ? "timed out" : "exit code " + exitCode) + ", output:\n" + output;
        }
    }

    /** The installed SDKs; installs them on the first call of the run, skips or fails the caller without Node. */
    static synchronized NodeSdk installed() {
        if (installed == null) {
            whyNoNode().ifPresent(NodeSdk::skipOrFail);
            Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
            installed = new NodeSdk(install(module.resolve("src/test/node"), module.resolve("target/node-sdk")));
        }
        return installed;
    }

    /**
     * Runs {@code node <script> <arguments>} in the installed project, with the hub's CA in {@code LOCALHUB_CA} (for the
     * device SDK's {@code setOptions({ca})}) and {@code NODE_EXTRA_CA_CERTS} (the service SDK takes no CA option), and
     * {@code connectionString} in {@code CONNECTION_STRING}; ended by force after {@code timeout}.
     */
    Result run(Path hubCa, String script, String connectionString, Duration timeout, String... arguments) {
        return start(hubCa, script, connectionString, arguments).finish(timeout);
    }

    /** The same script started, for a test that acts while it runs ({@link Running#awaitOutput}). */
    Running start(Path hubCa, String script, String connectionString, String... arguments) {
        List<String> command = new ArrayList<>(List.of("node", directory.resolve(script).toString()));
        command.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("LOCALHUB_CA", hubCa.toString());
        environment.put("NODE_EXTRA_CA_CERTS", hubCa.toString());
        environment.put("CONNECTION_STRING", connectionString);
        return new Running(builder);
    }

    private static Result execute(ProcessBuilder builder, Duration timeout) {
        return new Running(builder).finish(timeout);
    }

    /** A running script: what it printed so far, and its end. */
    static final class Running {
        private final Process process;
        private final Thread reader;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();

        private Running(ProcessBuilder builder) {
            try {
                process = builder.start();
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reader = new Thread(this::copyOutput, "node-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until the script printed {@code text} (or ended, or {@code limit} passed); whether it did. */
        boolean awaitOutput(String text, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            synchronized (output) {
                while (!output.toString(StandardCharsets.UTF_8).contains(text)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || !reader.isAlive()) {
                        return false;
                    }
                    output.wait(left);
                }
                return true;
            }
        }

        /** Waits for the end, ending the script (and what it started) by force after {@code timeout}. */
        Result finish(Duration timeout) {
            try {
                boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
                reader.join(TimeUnit.SECONDS.toMillis(10));
                synchronized (output) {
                    return new Result(ended ? process.exitValue() : -1, !ended, output.toString(StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + process.info().commandLine(), e);
            }
        }

        private void copyOutput() {
            byte[] buffer = new byte[8192];
            try (InputStream in = process.getInputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    synchronized (output) {
                        output.write(buffer, 0, read);
                        output.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // The process was ended: what it printed so far is kept.
            } finally {
                synchronized (output) {
                    output.notifyAll();
                }
            }
        }
    }

    /**
     * Copies the project to {@code target} and runs {@code npm ci} there, unless it already installed this lock file;
     * the scripts are copied every time, so an edited script runs as edited.
     */
    static Path install(Path project, Path target) {
        try {
            Files.createDirectories(target);
            Path lock = project.resolve("package-lock.json");
            Path stamp = target.resolve("node_modules/.installed-package-lock.json");
            boolean current = Files.exists(stamp) && Files.mismatch(lock, stamp) == -1;
            try (Stream<Path> files = Files.list(project)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!current) {
                Result npm = execute(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                        .directory(target.toFile()).redirectErrorStream(true), INSTALL_TIMEOUT);
                if (npm.exitCode() != 0) {
                    fail("npm ci of the Node SDK test project in " + target + " failed: " + npm);
                }
                Files.copy(lock, stamp, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> whyNoNode() {
        for (String tool : List.of("node", "npm")) {
            try {
                Result version = execute(new ProcessBuilder(tool, "--version").redirectErrorStream(true),
                        Duration.ofSeconds(30));
                if (version.exitCode() != 0) {
                    return Optional.of("'" + tool + " --version' failed (" + version + ")");
                }
            } catch (UncheckedIOException notFound) {
                return Optional.of(tool + " is not on the PATH");
            }
        }
        return Optional.empty();
    }

    private static void skipOrFail(String reason) {
        String message = "Node SDK tests need Node.js and npm, and " + reason
                + ": install them (apt-get install nodejs npm)";
        if (Boolean.getBoolean(REQUIRED)) {
            fail(message + " (" + REQUIRED + "=true)");
        }
        // Surefire does not show why a class was skipped in @BeforeAll: this line does.
        System.out.println("Skipped: " + message + "; -D" + REQUIRED + "=true makes this a failure");
        Assumptions.abort(message);
    }
}
