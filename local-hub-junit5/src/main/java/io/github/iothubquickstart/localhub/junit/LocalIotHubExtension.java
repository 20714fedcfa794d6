package io.github.iothubquickstart.localhub.junit;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An IoT Hub-compatible local hub for one test class, for tests of code that uses the Azure IoT SDKs:
 *
 * <pre>{@code
 * @RegisterExtension
 * static LocalIotHubExtension hub = LocalIotHubExtension.create();
 *
 * DeviceClient device = new DeviceClient(hub.deviceConnectionString("dev-1"), IotHubClientProtocol.MQTT,
 *         hub.deviceClientOptions());
 * DirectMethodResponse answer = hub.directMethodsClient().invoke("dev-1", "reboot", options);
 * }</pre>
 *
 * <p>Before the class's first test the hub starts on a free loopback address of its own (port 8883 there, as the
 * device SDK requires) with a fresh temporary data directory, so test classes running in parallel never see each
 * other. After the class, the device clients it made, the hub and the directory go away.
 */
public final class LocalIotHubExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final HubSettings settings;
    private RunningHub running;
    private Class<?> owner;

    private LocalIotHubExtension(HubSettings settings) {
        this.settings = settings;
    }

    /** A hub with the defaults: one event loop, the local hub's usual limits. */
    public static LocalIotHubExtension create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (running != null) {
            if (isNestedIn(testClass, owner)) {
                return; // @Nested classes share their enclosing class's hub.
            }
            throw new ExtensionConfigurationException("The LocalIotHubExtension of " + owner.getName()
                    + " is still serving it, so " + testClass.getName() + " cannot have it: give each test class"
                    + " its own static field (a base class's field is shared by its subclasses).");
        }
        running = RunningHub.start(settings, testClass.getName());
        owner = testClass;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (running == null || context.getRequiredTestClass() != owner) {
            return;
        }
        try {
            running.close();
        } finally {
            running = null;
            owner = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (current() == null) {
            throw new ExtensionConfigurationException("Declare the @RegisterExtension LocalIotHubExtension field"
                    + " static: its hub starts once before the test class and stops after it.");
        }
    }

    /** A connection string of {@code deviceId}, registering it first when the hub does not know it. */
    public String deviceConnectionString(String deviceId) {
        return require().deviceConnectionString(deviceId);
    }

    /** Device SDK options that trust this hub's CA and nothing else; no other setting is changed. */
    public ClientOptions deviceClientOptions() {
        return require().deviceClientOptions();
    }

    /**
     * A new MQTT device client of {@code deviceId} (registered when absent), not yet open; the extension closes it
     * after the test class.
     */
    public DeviceClient deviceClient(String deviceId) {
        return require().deviceClient(deviceId);
    }

    /** Service SDK clients authorized by the {@code iothubowner} policy; their SAS token is renewed as it ages. */
    public DirectMethodsClient directMethodsClient() {
        return require().directMethodsClient();
    }

    public TwinClient twinClient() {
        return require().twinClient();
    }

    public RegistryClient registryClient() {
        return require().registryClient();
    }

    /**
     * The {@code iothubowner} service connection string. Its host name carries the port ({@code 127.x.y.z:port}),
     * which the service SDK's connection string parser rejects: give the SDK {@code hub().serviceHost()} with an
     * {@code AzureSasCredential}, or use {@link #directMethodsClient()} and the others.
     */
    public String serviceConnectionString() {
        return serviceConnectionString(RunningHub.OWNER_POLICY);
    }

    /** The connection string of a policy: {@code iothubowner}, {@code service}, {@code registryRead}, ... */
    public String serviceConnectionString(String policyName) {
        return require().hub().serviceConnectionString(policyName);
    }

    /**
     * Every device-to-cloud message the hub accepts, as it arrives: subscribe to check what devices sent (Azure
     * delivers it through an Event Hubs endpoint, which the local hub does not have).
     */
    public TelemetryFeed telemetry() {
        return require().hub().telemetry();
    }

    /** TLS trusting this hub's CA and nothing else, for clients other than the Azure device SDK. */
    public SSLContext sslContext() {
        return require().sslContext();
    }

    /** The hub itself: its address, data directory, telemetry feed and identity. */
    public LocalHub hub() {
        return require().hub();
    }

    private synchronized RunningHub current() {
        return running;
    }

    private RunningHub require() {
        RunningHub hub = current();
        if (hub == null) {
            throw new IllegalStateException("The local IoT hub is not running: it runs from before the test class's"
                    + " @BeforeAll methods to after its @AfterAll methods, for a static @RegisterExtension field.");
        }
        return hub;
    }

    private static boolean isNestedIn(Class<?> testClass, Class<?> outer) {
        for (Class<?> enclosing = testClass.getEnclosingClass(); enclosing != null;
                enclosing = enclosing.getEnclosingClass()) {
            if (enclosing == outer) {
                return true;
            }
        }
        return false;
    }

    /** The few settings a test may want; everything else is the local hub's default. */
    public static final class Builder {
        /** An address where the ports the device SDK fixes (8883 for MQTT, 5671 for AMQPS) are free. */
        private Supplier<String> addressPicker =
                () -> LoopbackAddresses.pickFree(LocalHub.DEFAULT_MQTT_PORT, LocalHub.DEFAULT_AMQP_PORT);
        private int eventLoops = 1;
        private HubLimits limits = HubLimits.DEFAULT;
        private Duration serviceTokenValidity = Duration.ofHours(1);

        private Builder() {
        }

        /** Threads serving the hub's connections; default 1, plenty for a test's devices. */
        public Builder eventLoops(int eventLoops) {
            LocalHub.builder().eventLoops(eventLoops); // fails now, at the field, on a bad count
            this.eventLoops = eventLoops;
            return this;
        }

        /** Caps on connections and method calls, e.g. to test how code copes with throttling. */
        public Builder limits(HubLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** For tests of this extension: where a hub's address comes from. */
        Builder addressPicker(Supplier<String> addressPicker) {
            this.addressPicker = Objects.requireNonNull(addressPicker);
            return this;
        }

        /** For tests of this extension: how long the service clients' tokens live before renewal. */
        Builder serviceTokenValidity(Duration validity) {
            this.serviceTokenValidity = Objects.requireNonNull(validity);
            return this;
        }

        public LocalIotHubExtension build() {
            return new LocalIotHubExtension(new HubSettings(addressPicker, eventLoops, limits, serviceTokenValidity));
        }
    }
}
