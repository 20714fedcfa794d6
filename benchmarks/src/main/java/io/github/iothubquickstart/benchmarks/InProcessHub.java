package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The hub as {@code LocalIotHubExtension} (local-hub-junit5) starts one per test class: in this JVM, on a free
 * loopback address, with a fresh temporary data directory, HTTPS on an ephemeral port and one event loop.
 */
final class InProcessHub implements StartedHub {
    private final LocalHub hub;
    private final Path dataDirectory;

    private InProcessHub(LocalHub hub, Path dataDirectory) {
        this.hub = hub;
        this.dataDirectory = dataDirectory;
    }

    /** Returns once the hub serves, as the extension's beforeAll does. */
    static InProcessHub start() throws IOException {
        String address = LoopbackAddresses.pickFree(LocalHub.DEFAULT_MQTT_PORT, LocalHub.DEFAULT_AMQP_PORT);
        Path dataDirectory = Files.createTempDirectory("local-iothub-test-");
        LocalHub hub = LocalHub.builder()
                .bindAddress(address)
                .dataDirectory(dataDirectory)
                .httpsPort(0)
                .eventLoops(1)
                .limits(HubLimits.DEFAULT)
                .build()
                .start();
        return new InProcessHub(hub, dataDirectory);
    }

    @Override
    public String address() {
        return hub.bindAddress();
    }

    @Override
    public Path caFile() {
        return hub.caCertificateFile();
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    @Override
    public double cpuSeconds() {
        return ProcessMemory.cpuSeconds(ProcessHandle.current().pid());
    }

    @Override
    public DeviceRegistry registry() {
        return hub.identity().registry();
    }

    @Override
    public void close() {
        hub.close();
        try (Stream<Path> paths = Files.walk(dataDirectory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dataDirectory, e);
        }
    }
}
