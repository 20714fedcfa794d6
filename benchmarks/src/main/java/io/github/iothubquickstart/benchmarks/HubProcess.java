package io.github.iothubquickstart.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hub as its own process ({@code java -jar local-hub.jar start}) on one data directory: started, SIGKILLed and
 * started again by the soak. Its console goes to a log file beside the data directory; the banner it prints once every
 * listener is bound is the moment it serves.
 */
final class HubProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    /** The banner's last line: every listener is bound, and the connection strings above it are printed. */
    private static final String SERVING = "Press Ctrl+C to stop.";
    private static final String EVENT_HUBS_HEADING = "Event Hubs-compatible connection string";

    private final Path jar;
    private final Path dataDirectory;
    private final String bindAddress;
    private final int httpsPort;
    private final List<String> extraArguments;
    private final Path log;
    private final AtomicInteger epoch = new AtomicInteger();
    private volatile Process process;
    private volatile String eventHubsConnectionString;

    /** One start: how long from launching the process to serving, and its resident memory then. */
    record Start(int epoch, Duration toServing, long residentBytes) {
    }

    HubProcess(Path jar, Path dataDirectory, String bindAddress, int httpsPort, List<String> extraArguments, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no hub jar at " + jar.toAbsolutePath()
                    + ": build it first (./mvnw -B -q install -DskipTests -pl local-hub -am) or pass --hub-jar");
        }
        this.jar = jar;
        this.dataDirectory = dataDirectory;
        this.bindAddress = bindAddress;
        this.httpsPort = httpsPort;
        this.extraArguments = List.copyOf(extraArguments);
        this.log = log;
    }

    /** Launches the hub and waits until it serves. */
    synchronized Start start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the hub runs already");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString(), "start",
                "--data-dir", dataDirectory.toString(), "--bind", bindAddress, "--https-port", Integer.toString(httpsPort)));
        command.addAll(extraArguments);
        long launched = System.nanoTime();
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        int current = epoch.incrementAndGet();
        CompletableFuture<Void> serving = new CompletableFuture<>();
        Process started = process;
        Thread copier = new Thread(() -> copyConsole(started, current, serving), "hub-console-" + current);
        copier.setDaemon(true);
        copier.start();
        try {
            serving.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the hub did not start (see " + log + "): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            started.destroyForcibly();
            throw new IOException("the hub did not serve within " + START_LIMIT + " (see " + log + ")");
        }
        Duration toServing = Duration.ofNanos(System.nanoTime() - launched);
        return new Start(current, toServing, ProcessMemory.resident(started.pid()));
    }

    /** SIGKILL: no shutdown hook, no flush; what the hub had not written is gone. */
    synchronized void kill() throws InterruptedException {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            running.waitFor();
        }
    }

    /** Which start of the hub this is (1 for the first); devices tag what they see with it. */
    int epoch() {
        return epoch.get();
    }

    long residentBytes() {
        Process running = process;
        return running == null ? -1 : ProcessMemory.resident(running.pid());
    }

    boolean alive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** The plain-AMQP (emulator mode) Event Hubs connection string the hub printed at its first start. */
    String eventHubsConnectionString() {
        return eventHubsConnectionString;
    }

    /** SIGTERM and wait: the orderly end of a soak. */
    @Override
    public synchronized void close() throws InterruptedException {
        Process running = process;
        if (running != null && running.isAlive()) {
            running.destroy();
            if (!running.waitFor(60, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor();
            }
        }
    }

    private void copyConsole(Process started, int current, CompletableFuture<Void> serving) {
        try (BufferedReader console = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            out.println("=== hub start " + current + " (pid " + started.pid() + ")");
            boolean nextIsEventHubs = false;
            String line;
            while ((line = console.readLine()) != null) {
                out.println(line);
                if (nextIsEventHubs) {
                    eventHubsConnectionString = line.trim();
                    nextIsEventHubs = false;
                }
                if (line.startsWith(EVENT_HUBS_HEADING)) {
                    nextIsEventHubs = true;
                }
                if (line.equals(SERVING)) {
                    serving.complete(null);
                }
            }
            out.println("=== hub start " + current + " ended");
        } catch (IOException e) {
            serving.completeExceptionally(new UncheckedIOException(e));
        }
        // The console closes when the process ends: before serving, that is a failed start.
        serving.completeExceptionally(new IOException("the hub exited before serving"));
    }
}
