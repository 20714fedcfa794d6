package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The hub as a user runs it, in a process of its own: {@code java -jar local-hub.jar start} or the distribution's
 * {@code bin/local-hub start} (which execs its runtime's java, so the pid is the JVM's).
 */
final class ChildProcessHub implements StartedHub {
    /** Every listener of a default start: MQTT, HTTPS, AMQP, WebSockets, the Event Hubs-compatible endpoint. */
    static final List<Integer> PORTS = List.of(8883, 8443, 5671, 443, 5672);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String address;
    private final Path dataDirectory;
    private HubIdentity identity;

    private ChildProcessHub(Process process, String address, Path dataDirectory) {
        this.process = process;
        this.address = address;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts {@code launcher} (the command before "start") with {@code environment} added to this one's, and returns
     * at once; its output goes to {@code log}.
     */
    static ChildProcessHub start(List<String> launcher, Map<String, String> environment, String address,
                                 Path dataDirectory, Path log) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("start", "--bind", address, "--data-dir", dataDirectory.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new ChildProcessHub(process, address, dataDirectory);
    }

    void awaitListening(Duration timeout) throws InterruptedException {
        ListenerProbe.awaitAll(address, PORTS, timeout, process::isAlive);
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public Path caFile() {
        return dataDirectory.resolve("ca.pem");
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public double cpuSeconds() {
        return ProcessMemory.cpuSeconds(process.pid());
    }

    @Override
    public DeviceRegistry registry() {
        if (identity == null) {
            identity = HubIdentity.openExisting(dataDirectory);
        }
        return identity.registry();
    }

    @Override
    public void close() throws InterruptedException {
        if (identity != null) {
            identity.close();
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
