package io.github.iothubquickstart.localhubclient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds the local hub that runs on a data directory, telling a running hub from the file a killed one left
 * behind, and from a hub that runs on another data directory.
 */
public final class LocalHubFinder {

    /**
     * The OS reports a process's start time coarsely (Linux: boot time in whole seconds plus clock ticks), so a
     * process counts as started after the hub only by more than this margin.
     */
    static final Duration START_TIME_SLACK = Duration.ofSeconds(5);

    private LocalHubFinder() {
    }

    /**
     * The hub published in {@code dataDirectory} if it still runs: its process is alive (and not a newer process
     * that reuses its pid) and its HTTPS port accepts connections. Otherwise empty, unless something listens on
     * {@code expectedHost:expectedPort}: that is a hub this data directory knows nothing about.
     *
     * @throws LocalHubClientException for that unknown hub, or a file that cannot be read
     */
    public static Optional<RunningHub> find(Path dataDirectory, String expectedHost, int expectedPort) {
        Optional<RunningHub> published = RunningHubFile.read(dataDirectory);
        if (published.isPresent() && isRunning(published.get())) {
            return published;
        }
        if (LocalHubProbe.isListening(expectedHost, expectedPort)) {
            throw new LocalHubClientException("something listens on " + expectedHost + ":" + expectedPort
                    + " but no local hub runs on the data directory " + dataDirectory + " ("
                    + (published.isPresent() ? "its hub, process " + published.get().pid() + ", has stopped"
                            : "no " + RunningHubFile.FILE_NAME + " there")
                    + "): it is a local hub started with another data directory, or an older local hub; set "
                    + LocalHubDataDirectory.ENVIRONMENT_VARIABLE + " to its data directory, or restart it with this"
                    + " version");
        }
        return Optional.empty();
    }

    /**
     * The hub published in {@code dataDirectory} if it still runs; empty when there is none, or only the file a
     * stopped one left behind.
     *
     * @throws LocalHubClientException for a file that cannot be read
     */
    public static Optional<RunningHub> running(Path dataDirectory) {
        return RunningHubFile.read(dataDirectory).filter(LocalHubFinder::isRunning);
    }

    /** Waits up to {@code timeout} for a hub that is starting (its ports may listen before it publishes itself). */
    public static Optional<RunningHub> await(Path dataDirectory, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<RunningHub> published = running(dataDirectory);
            if (published.isPresent() || System.nanoTime() > deadline) {
                return published;
            }
            Thread.sleep(50);
        }
    }

    static boolean isRunning(RunningHub hub) {
        return processIsAlive(hub.pid(), hub.startTime()) && LocalHubProbe.isListening(hub.hostName(), hub.httpsPort());
    }

    private static boolean processIsAlive(long pid, Instant hubStart) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().startInstant()
                        .map(processStart -> !processStart.isAfter(hubStart.plus(START_TIME_SLACK)))
                        .orElse(true))
                .isPresent();
    }
}
