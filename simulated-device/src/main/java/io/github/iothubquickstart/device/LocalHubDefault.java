package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.DeviceConnectionString;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.localhub.ConnectionStrings;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LocalHubException;
import io.github.iothubquickstart.localhub.client.LocalHubProbe;
import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.data.NoHubDataException;
import io.github.iothubquickstart.localhub.storage.StorageException;
import io.github.iothubquickstart.localhub.tls.CertificateStoreException;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * With no connection string, the device uses the local hub on 127.0.0.1:8883: the one already running, or one it
 * starts inside its own process. Credentials and the CA come from the hub's data directory. Closing stops a hub
 * this class started.
 */
public final class LocalHubDefault implements LocalHubFallback<DeviceConnectionSettings>, AutoCloseable {
    static final String DEVICE_ID = "MyJavaDevice";
    private static final int PORT = LocalHub.DEFAULT_MQTT_PORT;

    private final Environment environment;
    private final PrintStream out;
    private final String host;
    private LocalHub startedHere;

    /** @param host the loopback address of the local hub: 127.0.0.1 for users, another one in tests */
    public LocalHubDefault(Environment environment, PrintStream out, String host) {
        this.environment = environment;
        this.out = out;
        this.host = host;
    }

    @Override
    public DeviceConnectionSettings settings() throws ConfigurationException {
        Path dataDirectory = DataDirectory.resolve(null, environment::get);
        if (LocalHubProbe.isListening(host, PORT)) {
            out.println("No connection string given: using the local hub running on " + host + ":" + PORT
                    + " (data in " + dataDirectory + ").");
        } else {
            startHub(dataDirectory);
        }
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            DeviceIdentity device = identity.registry().findDevice(DEVICE_ID).orElseThrow(() -> new ConfigurationException(
                    "the local hub has no device " + DEVICE_ID + ": create it with "
                            + "'java -jar local-hub/target/local-hub.jar device create " + DEVICE_ID + "'"));
            return DeviceConnectionSettings.of(
                    DeviceConnectionString.parse(ConnectionStrings.device(host, device)),
                    TrustedCa.trustingOnly(identity.certificates().caCertificateFile()));
        } catch (NoHubDataException e) {
            // A hub listens, but its data is not where we look: it was started with another data directory.
            throw new ConfigurationException(e.getMessage() + " (if your local hub uses another data directory, set "
                    + DataDirectory.ENVIRONMENT_VARIABLE + ")");
        } catch (StorageException | CertificateStoreException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private void startHub(Path dataDirectory) throws ConfigurationException {
        out.println("No connection string given and no local hub on " + host + ":" + PORT
                + ": starting one inside this process (data in " + dataDirectory + ").");
        try {
            startedHere = LocalHub.builder().bindAddress(host).dataDirectory(dataDirectory).build().start();
        } catch (LocalHubException e) {
            if (LocalHubProbe.isListening(host, PORT)) {
                out.println("Another local hub started at the same moment; using it.");
                return;
            }
            throw new ConfigurationException("cannot start the local hub: " + e.getMessage());
        } catch (StorageException | CertificateStoreException e) {
            throw new ConfigurationException("cannot start the local hub: " + e.getMessage());
        }
        out.println("Local hub ready: devices on " + host + ":" + startedHere.mqttPort() + ", services on " + host
                + ":" + startedHere.httpsPort() + ". It stops when this device stops.");
        out.println("In another terminal: java -jar back-end-application/target/back-end-application.jar --interval 3");
    }

    @Override
    public synchronized void close() {
        if (startedHere != null) {
            startedHere.close();
            startedHere = null;
        }
    }
}
