package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.DeviceConnectionString;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LocalHubException;
import io.github.iothubquickstart.localhub.storage.StorageException;
import io.github.iothubquickstart.localhub.tls.CertificateStoreException;
import io.github.iothubquickstart.localhubclient.CaTrust;
import io.github.iothubquickstart.localhubclient.LocalHubClientException;
import io.github.iothubquickstart.localhubclient.LocalHubDataDirectory;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import io.github.iothubquickstart.localhubclient.LocalHubEnrollmentClient;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.LocalHubProbe;
import io.github.iothubquickstart.localhubclient.LocalHubRegistryClient;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.X509TrustManager;

/**
 * With no connection string, the device uses the local hub of its data directory: the one already running, found
 * through what it publishes there and asked for the device's key over its REST API (its files stay its own), or
 * one the device starts inside its own process. Closing stops a hub this class started.
 */
public final class LocalHubDefault implements LocalHubFallback<DeviceConnectionSettings>, AutoCloseable {
    static final String DEVICE_ID = "MyJavaDevice";
    /** The registration id, and so the device id, of {@code --provision} on the local hub. */
    static final String PROVISIONED_DEVICE_ID = "my-provisioned-device";
    private static final int PORT = LocalHubDefaults.MQTT_PORT;
    /** A hub that won the race to start listens a moment before it publishes itself. */
    private static final Duration PUBLICATION_WAIT = Duration.ofSeconds(10);

    private final Environment environment;
    private final PrintStream out;
    private final String host;
    private final Random random;
    private LocalHub startedHere;
    private LocalHubException lastStartFailure;

    /**
     * @param host   the loopback address of the local hub: 127.0.0.1 for users, another one in tests
     * @param random makes the key of the local hub's enrollment for {@code --provision}
     */
    public LocalHubDefault(Environment environment, PrintStream out, String host, Random random) {
        this.environment = environment;
        this.out = out;
        this.host = host;
        this.random = random;
    }

    @Override
    public DeviceConnectionSettings settings() throws ConfigurationException {
        Path dataDirectory = LocalHubDataDirectory.resolve(null, environment::get);
        try {
            Optional<RunningHub> running = LocalHubFinder.find(dataDirectory, host, PORT);
            if (running.isPresent()) {
                out.println("No connection string given: using the local hub running on " + running.get().hostName()
                        + ":" + running.get().mqttPort() + " (data in " + dataDirectory + ").");
                return fromRunningHub(dataDirectory, running.get());
            }
            return startHub(dataDirectory);
        } catch (LocalHubClientException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /**
     * For {@code --provision} without values: an individual enrollment on the local hub this device starts (created
     * with a random key the first time, kept in the hub's data directory), as {@link #settings()} creates the
     * device's identity; on a hub already running, through its provisioning service API.
     */
    public ProvisioningSettings enrollment() throws ConfigurationException {
        Path dataDirectory = LocalHubDataDirectory.resolve(null, environment::get);
        try {
            Optional<RunningHub> running = LocalHubFinder.find(dataDirectory, host, PORT);
            if (running.isPresent()) {
                out.println("No provisioning values given: enrolling " + PROVISIONED_DEVICE_ID + " on the local hub"
                        + " running on " + running.get().hostName() + ":" + running.get().mqttPort() + " (data in "
                        + dataDirectory + ").");
                return enrollOnRunningHub(dataDirectory, running.get());
            }
            if (!startHub(dataDirectory, PROVISIONED_DEVICE_ID)) {
                return enrollOnRunningHub(dataDirectory, awaitOtherHub(dataDirectory, lastStartFailure));
            }
        } catch (LocalHubClientException e) {
            throw new ConfigurationException(e.getMessage());
        }
        LocalHubEnrollment enrollment = new LocalHubEnrollment(startedHere.provisioning(), random);
        return new ProvisioningSettings(startedHere.hostName(), startedHere.idScope(), PROVISIONED_DEVICE_ID,
                enrollment.symmetricKey(PROVISIONED_DEVICE_ID), trustingOnly(startedHere.caCertificateFile()));
    }

    /** Through the hub's provisioning service API, with the policy it published: its files stay its own. */
    private ProvisioningSettings enrollOnRunningHub(Path dataDirectory, RunningHub hub) throws ConfigurationException {
        if (hub.mqttPort() != PORT) {
            throw new ConfigurationException("the local hub of " + dataDirectory + " takes devices on port "
                    + hub.mqttPort() + " but the Azure provisioning and device SDKs only connect to " + PORT
                    + ": restart the hub without --mqtt-port");
        }
        if (!hub.publishesProvisioning()) {
            throw new ConfigurationException("--provision alone enrolls the device on the local hub, but the one "
                    + "running on " + hub.hostName() + ":" + hub.mqttPort() + " publishes no provisioning service (an "
                    + "older hub): restart it with this version, or enroll with 'java -jar local-hub/target/local-hub.jar"
                    + " enrollment create ...' and pass the values it prints (--provisioning-host, --id-scope, "
                    + "--registration-id, --symmetric-key)");
        }
        String key = LocalHubEnrollmentClient.forHub(dataDirectory, hub).symmetricKey(PROVISIONED_DEVICE_ID,
                LocalHubEnrollment.newKey(random), LocalHubEnrollment.newKey(random));
        return new ProvisioningSettings(hub.hostName(), hub.idScope(), PROVISIONED_DEVICE_ID, key,
                trustingOnly(hub.caCertificateFile(dataDirectory)));
    }

    private DeviceConnectionSettings fromRunningHub(Path dataDirectory, RunningHub hub) throws ConfigurationException {
        if (hub.mqttPort() != PORT) {
            throw new ConfigurationException("the local hub of " + dataDirectory + " takes devices on port "
                    + hub.mqttPort() + " but the Azure device SDK only connects to " + PORT
                    + ": restart the hub without --mqtt-port");
        }
        String connectionString = LocalHubRegistryClient.forHub(dataDirectory, hub).deviceConnectionString(DEVICE_ID);
        return DeviceConnectionSettings.of(DeviceConnectionString.parse(connectionString),
                trustingOnly(hub.caCertificateFile(dataDirectory)));
    }

    private DeviceConnectionSettings startHub(Path dataDirectory) throws ConfigurationException {
        if (!startHub(dataDirectory, DEVICE_ID)) {
            out.println("Another local hub started at the same moment; using it.");
            return fromRunningHub(dataDirectory, awaitOtherHub(dataDirectory, lastStartFailure));
        }
        try {
            return DeviceConnectionSettings.of(DeviceConnectionString.parse(startedHere.deviceConnectionString(DEVICE_ID)),
                    trustingOnly(startedHere.caCertificateFile()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the local hub has no device " + DEVICE_ID + ": create it with "
                    + "'java -jar local-hub/target/local-hub.jar device create " + DEVICE_ID + "'");
        }
    }

    /**
     * Starts the hub in this process; false when another one won the race to the port (then
     * {@link #lastStartFailure} says why this one did not start).
     *
     * @param deviceId the device the back-end is then pointed at
     */
    private boolean startHub(Path dataDirectory, String deviceId) throws ConfigurationException {
        out.println("No connection string given and no local hub on " + host + ":" + PORT
                + ": starting one inside this process (data in " + dataDirectory + ").");
        try {
            startedHere = LocalHub.builder().bindAddress(host).dataDirectory(dataDirectory).build().start();
        } catch (LocalHubException e) {
            if (LocalHubProbe.isListening(host, PORT)) {
                lastStartFailure = e;
                return false;
            }
            throw new ConfigurationException("cannot start the local hub: " + e.getMessage());
        } catch (StorageException | CertificateStoreException e) {
            throw new ConfigurationException("cannot start the local hub: " + e.getMessage());
        }
        out.println("Local hub ready: devices on " + host + ":" + startedHere.mqttPort() + ", services on " + host
                + ":" + startedHere.httpsPort() + ". It stops when this device stops.");
        out.println("Dashboard: " + startedHere.dashboardUrl());
        out.println("In another terminal: java -jar back-end-application/target/back-end-application.jar"
                + (deviceId.equals(DEVICE_ID) ? "" : " --device-id " + deviceId) + " --interval 3");
        return true;
    }

    private RunningHub awaitOtherHub(Path dataDirectory, LocalHubException startFailure) throws ConfigurationException {
        try {
            Optional<RunningHub> published = LocalHubFinder.await(dataDirectory, PUBLICATION_WAIT);
            if (published.isPresent()) {
                return published.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Still unpublished: find() names the hub of another data directory; else the start failure stands.
        return LocalHubFinder.find(dataDirectory, host, PORT).orElseThrow(() ->
                new ConfigurationException("cannot start the local hub: " + startFailure.getMessage()));
    }

    private static X509TrustManager trustingOnly(Path caFile) {
        return CaTrust.trustManagerFor(CaTrust.readCertificate(caFile));
    }

    @Override
    public synchronized void close() {
        if (startedHere != null) {
            startedHere.close();
            startedHere = null;
        }
    }
}
