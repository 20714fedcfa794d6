package io.github.iothubquickstart.localhub.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The local hub's CLI in a JVM of its own, so that a test can kill it the hard way. */
final class HubProcess {
    private Process process;
    /** What the hub printed (standard output and error), line by line. */
    private final List<String> printed = new CopyOnWriteArrayList<>();

    void start(String address, Path dataDirectory) throws Exception {
        start(hubCommand(address, dataDirectory));
    }

    /** Starts the hub with at most {@code openFiles} file descriptors ({@code ulimit -n} in the shell that runs it). */
    void startWithOpenFilesLimit(String address, Path dataDirectory, int openFiles) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "hub"));
        command.addAll(hubCommand(address, dataDirectory));
        start(command);
    }

    List<String> output() {
        return printed;
    }

    private static List<String> hubCommand(String address, Path dataDirectory) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.github.iothubquickstart.localhub.cli.LocalHubCli", "start", "--bind", address,
                "--data-dir", dataDirectory.toString());
    }

    private void start(List<String> command) throws Exception {
        printed.clear();
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread output = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    printed.add(line);
                    if (line.contains("Press Ctrl+C to stop.")) {
                        running.complete(null);
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            running.completeExceptionally(new IllegalStateException("the hub process ended before it was running"));
        });
        output.setDaemon(true);
        output.start();
        running.get(60, TimeUnit.SECONDS);
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
