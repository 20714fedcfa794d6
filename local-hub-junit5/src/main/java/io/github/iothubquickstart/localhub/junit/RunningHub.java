package io.github.iothubquickstart.localhub.junit;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One test class's hub and everything wired to it: its temporary data directory, the TLS trust of its CA, the
 * service SDK clients and the device clients made for it. {@link #close()} stops all of it.
 */
final class RunningHub implements AutoCloseable {
    /** Rights to every service API, so a test may call whatever its code under test calls. */
    static final String OWNER_POLICY = "iothubowner";

    private final LocalHub hub;
    private final Path dataDirectory;
    private final SSLContext trustHubCa;
    private final RenewingSasCredential serviceCredential;
    private final DirectMethodsClient directMethods;
    private final TwinClient twins;
    private final RegistryClient registry;
    private final List<DeviceClient> devices = new ArrayList<>();

    private RunningHub(LocalHub hub, Path dataDirectory, HubSettings settings) {
        this.hub = hub;
        this.dataDirectory = dataDirectory;
        this.trustHubCa = TrustedCa.trustingOnly(hub.caCertificateFile());
        PerHubHttpsTrust.add(hub.hostName(), hub.httpsPort(), TrustedCa.trustManagerFor(hub.caCertificateFile()));
        String ownerKey = hub.identity().registry().findPolicy(OWNER_POLICY).orElseThrow().primaryKey();
        this.serviceCredential = new RenewingSasCredential(
                expiry -> SasSigner.sign(ownerKey, hub.hostName(), expiry, OWNER_POLICY),
                settings.serviceTokenValidity(), "local-iothub-sas-renewal-" + hub.hostName());
        this.directMethods = new DirectMethodsClient(hub.serviceHost(), serviceCredential.credential());
        this.twins = new TwinClient(hub.serviceHost(), serviceCredential.credential());
        this.registry = new RegistryClient(hub.serviceHost(), serviceCredential.credential());
    }

    /** Starts a hub on a free loopback address of its own with a fresh data directory. */
    static RunningHub start(HubSettings settings, String testClassName) {
        String address;
        try {
            address = settings.addressPicker().get();
        } catch (IllegalStateException noAddress) {
            throw cannotStart(testClassName, noAddress);
        }
        Path dataDirectory = createDataDirectory();
        LocalHub hub = null;
        RunningHub running = null;
        try {
            hub = LocalHub.builder()
                    .bindAddress(address)
                    .dataDirectory(dataDirectory)
                    .httpsPort(0)
                    .eventLoops(settings.eventLoops())
                    .limits(settings.limits())
                    .build()
                    .start();
            running = new RunningHub(hub, dataDirectory, settings);
            return running;
        } catch (RuntimeException e) {
            throw cannotStart(testClassName, e);
        } finally {
            if (running == null) {
                // Errors too (e.g. a NoSuchMethodError from a wrong library version): no hub or directory is left.
                if (hub != null) {
                    PerHubHttpsTrust.remove(hub.hostName(), hub.httpsPort());
                    hub.close();
                }
                try {
                    deleteRecursively(dataDirectory);
                } catch (UncheckedIOException leftBehind) {
                    // The start failure is what the user must see; a leftover temporary directory is harmless.
                }
            }
        }
    }

    private static IllegalStateException cannotStart(String testClassName, RuntimeException cause) {
        return new IllegalStateException("The local IoT hub for " + testClassName + " cannot start: "
                + cause.getMessage(), cause);
    }

    LocalHub hub() {
        return hub;
    }

    SSLContext sslContext() {
        return trustHubCa;
    }

    ClientOptions deviceClientOptions() {
        return ClientOptions.builder().sslContext(trustHubCa).build();
    }

    String deviceConnectionString(String deviceId) {
        hub.ensureDevice(deviceId);
        return hub.deviceConnectionString(deviceId);
    }

    DeviceClient deviceClient(String deviceId) {
        DeviceClient client = new DeviceClient(deviceConnectionString(deviceId), IotHubClientProtocol.MQTT,
                deviceClientOptions());
        synchronized (devices) {
            devices.add(client);
        }
        return client;
    }

    DirectMethodsClient directMethodsClient() {
        return directMethods;
    }

    TwinClient twinClient() {
        return twins;
    }

    RegistryClient registryClient() {
        return registry;
    }

    /** Device clients first (so none reconnects to a hub going away), then the hub, its trust and its files. */
    @Override
    public void close() {
        List<DeviceClient> made;
        synchronized (devices) {
            made = List.copyOf(devices);
            devices.clear();
        }
        RuntimeException failure = null;
        for (DeviceClient device : made) {
            try {
                device.close();
            } catch (RuntimeException e) {
                failure = firstOrSuppressed(failure, e);
            }
        }
        try {
            hub.close();
        } catch (RuntimeException e) {
            failure = firstOrSuppressed(failure, e);
        }
        serviceCredential.close();
        PerHubHttpsTrust.remove(hub.hostName(), hub.httpsPort());
        try {
            deleteRecursively(dataDirectory);
        } catch (UncheckedIOException e) {
            failure = firstOrSuppressed(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException firstOrSuppressed(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static Path createDataDirectory() {
        try {
            // Owner-only (mode 700) on POSIX systems: it holds the hub's CA key and the registry's keys.
            return Files.createTempDirectory("local-iothub-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory for the local IoT hub: "
                    + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the local IoT hub's data directory " + directory + ": "
                    + e.getMessage(), e);
        }
    }
}
