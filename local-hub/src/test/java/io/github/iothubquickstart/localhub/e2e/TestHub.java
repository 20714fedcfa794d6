package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.MethodCallback;
import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.testing.ClientTls;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The hub of an end-to-end test class: an in-process local hub on a loopback address of its own (so the ports the
 * SDKs fix never clash with another class's), with a fresh data directory, and the real Azure SDK clients wired to
 * trust its CA (and nothing else). A class gets it as a JUnit extension, the way users get theirs from
 * {@code LocalIotHubExtension}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestHub hub = TestHub.builder().webSockets().settings(settings -> settings.limits(...)).build();
 * }</pre>
 *
 * <p>In a static field the class has one hub, started before its {@code @BeforeAll} methods and stopped after its
 * {@code @AfterAll} methods; in an instance field each test has its own, started before its {@code @BeforeEach}
 * methods and stopped after its {@code @AfterEach} methods. Stopping closes every client it made, then the hub, then
 * deletes the data directory. {@link #restart()} starts the hub again on the same address, data directory and ports.
 */
public final class TestHub implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        AutoCloseable {
    /**
     * The protocol of the device clients made without one: MQTT, or what {@code -Dlocalhub.deviceProtocol} says
     * (the build runs the device end-to-end tests once more with AMQPS and with AMQPS_WS: local-hub/pom.xml).
     */
    static final IotHubClientProtocol DEVICE_PROTOCOL =
            IotHubClientProtocol.valueOf(System.getProperty("localhub.deviceProtocol", "MQTT"));
    private static final boolean WEB_SOCKET_DEVICES =
            DEVICE_PROTOCOL == IotHubClientProtocol.AMQPS_WS || DEVICE_PROTOCOL == IotHubClientProtocol.MQTT_WS;
    /** The running hub (the last one started, after a restart). */
    public LocalHub hub;
    /** TLS trusting the hub's CA only. */
    SSLContext trustHubCa;
    private final Builder settings;
    private final List<DeviceClient> devices = new ArrayList<>();
    private final List<ModuleClient> modules = new ArrayList<>();
    private final List<AutoCloseable> serviceClients = new ArrayList<>();
    private boolean perClass;
    private String address;
    private Path dataDirectory;
    /** The HTTPS port of the first start, kept across restarts: service clients hold the host:port they were made with. */
    private int httpsPort;

    private TestHub(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        perClass = true;
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (perClass) {
            closeAndDelete();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            closeAndDelete();
        }
    }

    /** The loopback address the hub listens on, picked for this class (also before the hub starts). */
    public String address() {
        return address;
    }

    /** The hub's data directory, made for this class (also before the hub starts). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Starts the hub: the first time (for a {@link Builder#startedByTheTest()} hub), or again after {@link #close()}
     * or {@code hub.close()}, on the same address and data directory with the same settings and HTTPS port.
     */
    public void start() {
        if (settings == null || address == null) {
            throw new IllegalStateException("Only a hub registered as the class's extension starts again.");
        }
        LocalHub.Builder builder = LocalHub.builder().bindAddress(address).dataDirectory(dataDirectory).httpsPort(0)
                .webSocketPort(0);
        settings.port443.applyTo(builder);
        settings.settings.accept(builder);
        if (httpsPort != 0) {
            builder.httpsPort(httpsPort);
        }
        started(builder.build().start());
        httpsPort = hub.httpsPort();
        if (settings.port443 == Port443.WEB_SOCKETS) {
            try {
                WebSocketPort.requireListening(this);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
    }

    /** Closes every client it made and the hub, then starts the hub again as {@link #start()} does. */
    public void restart() {
        close();
        start();
    }

    /** As {@link #restart()}, with {@code moreSettings} added for this start and any later one. */
    void restartWith(Consumer<LocalHub.Builder> moreSettings) {
        settings.settings(moreSettings);
        restart();
    }

    private void started(LocalHub started) {
        this.hub = started;
        this.trustHubCa = TrustedCa.trustingOnly(started.caCertificateFile());
        // The service SDK speaks HTTPS through HttpsURLConnection's default socket factory.
        HttpsURLConnection.setDefaultSSLSocketFactory(trustHubCa.getSocketFactory());
    }

    private void open() throws IOException {
        address = settings.port443.pickAddress();
        dataDirectory = Files.createTempDirectory("local-hub-e2e-");
        if (!settings.startedByTheTest) {
            start();
        }
    }

    private void closeAndDelete() throws IOException {
        try {
            close();
        } finally {
            if (dataDirectory != null) {
                deleteRecursively(dataDirectory);
            }
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    DeviceClient device(String deviceId) {
        return device(deviceId, DEVICE_PROTOCOL);
    }

    DeviceClient device(String deviceId, IotHubClientProtocol protocol) {
        return deviceWithConnectionString(hub.deviceConnectionString(deviceId), protocol);
    }

    DeviceClient deviceWithConnectionString(String connectionString) {
        return deviceWithConnectionString(connectionString, DEVICE_PROTOCOL);
    }

    DeviceClient deviceWithConnectionString(String connectionString, IotHubClientProtocol protocol) {
        ClientOptions options = ClientOptions.builder().sslContext(trustHubCa).build();
        DeviceClient client = new DeviceClient(connectionString, protocol, options);
        devices.add(client);
        return client;
    }

    /**
     * A DeviceClient that logs in with an X.509 certificate: {@code HostName=...;DeviceId=...;x509=true} and a TLS
     * context holding {@code certificate}'s chain and key, trusting the hub's CA only.
     */
    DeviceClient x509Device(String deviceId, ClientCertificates.Issued certificate, IotHubClientProtocol protocol) {
        DeviceClient client = new DeviceClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";x509=true",
                protocol, ClientOptions.builder().sslContext(presenting(certificate)).build());
        devices.add(client);
        return client;
    }

    /** As {@link #x509Device}, for a module ({@code ...;ModuleId=...;x509=true}). */
    ModuleClient x509Module(String deviceId, String moduleId, ClientCertificates.Issued certificate,
                            IotHubClientProtocol protocol) {
        ModuleClient client = new ModuleClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId="
                + moduleId + ";x509=true", protocol, ClientOptions.builder().sslContext(presenting(certificate)).build());
        modules.add(client);
        return client;
    }

    /** A TLS client context that presents {@code certificate} (its chain and key) and trusts the hub's CA only. */
    SSLContext presenting(ClientCertificates.Issued certificate) {
        return ClientTls.presenting(certificate, TrustedCa.trustManagerFor(hub.caCertificateFile()));
    }

    /** A ModuleClient of a registered module, with the module's own connection string. */
    ModuleClient module(String deviceId, String moduleId, IotHubClientProtocol protocol) {
        return moduleWithConnectionString(hub.moduleConnectionString(deviceId, moduleId), protocol);
    }

    ModuleClient moduleWithConnectionString(String connectionString, IotHubClientProtocol protocol) {
        ClientOptions options = ClientOptions.builder().sslContext(trustHubCa).build();
        ModuleClient client = new ModuleClient(connectionString, protocol, options);
        modules.add(client);
        return client;
    }

    /** {@code base} made unique per protocol, for tests that run once per protocol against one hub. */
    static String idFor(String base, IotHubClientProtocol protocol) {
        return base + "-" + protocol.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Registers a module (and its device, if need be) with fresh keys. */
    void registerModule(String deviceId, String moduleId) {
        if (hub.identity().registry().findDevice(deviceId).isEmpty()) {
            hub.identity().registry().createDevice(deviceId);
        }
        hub.identity().registry().createModule(deviceId, moduleId, null, null, null);
    }

    /** A connected device that answers direct methods with {@code handler}. */
    DeviceClient connectedDevice(String deviceId, MethodCallback handler) throws IotHubClientException, InterruptedException {
        DeviceClient client = device(deviceId);
        client.open(false);
        client.subscribeToMethods(handler, null);
        return client;
    }

    DirectMethodsClient methodsClient(String policyName) {
        SharedAccessPolicy policy = hub.identity().registry().findPolicy(policyName).orElseThrow();
        return methodsClient(policy.name(), policy.primaryKey());
    }

    DirectMethodsClient methodsClient(String policyName, String key) {
        return new DirectMethodsClient(hub.serviceHost(), new AzureSasCredential(sasToken(policyName, key)));
    }

    RegistryClient registryClient(String policyName) {
        return new RegistryClient(hub.serviceHost(), new AzureSasCredential(sasToken(policyName)));
    }

    TwinClient twinClient(String policyName) {
        return new TwinClient(hub.serviceHost(), new AzureSasCredential(sasToken(policyName)));
    }

    QueryClient queryClient(String policyName) {
        return new QueryClient(hub.serviceHost(), new AzureSasCredential(sasToken(policyName)));
    }

    /** An open {@code MessagingClient} of the named policy over AMQPS, trusting the hub's CA; closed with the hub. */
    MessagingClient messagingClient(String policyName) throws Exception {
        return messagingClient(policyName, IotHubServiceClientProtocol.AMQPS);
    }

    /** An open {@code MessagingClient} of the named policy over AMQPS or AMQPS_WS; closed with the hub. */
    MessagingClient messagingClient(String policyName, IotHubServiceClientProtocol protocol) throws Exception {
        MessagingClient client = new MessagingClient(hub.hostName(), new AzureSasCredential(sasToken(policyName)),
                protocol, MessagingClientOptions.builder().sslContext(trustHubCa).build());
        client.open();
        serviceClients.add(client::close);
        return client;
    }

    /** An open {@code MessageFeedbackProcessorClient} of the named policy over AMQPS; closed with the hub. */
    MessageFeedbackProcessorClient feedbackClient(String policyName, Function<FeedbackBatch, AcknowledgementType> processor)
            throws Exception {
        return feedbackClient(policyName, IotHubServiceClientProtocol.AMQPS, processor);
    }

    /** An open {@code MessageFeedbackProcessorClient} of the named policy over AMQPS or AMQPS_WS; closed with the hub. */
    MessageFeedbackProcessorClient feedbackClient(String policyName, IotHubServiceClientProtocol protocol,
                                                  Function<FeedbackBatch, AcknowledgementType> processor)
            throws Exception {
        MessageFeedbackProcessorClient client = new MessageFeedbackProcessorClient(hub.hostName(),
                new AzureSasCredential(sasToken(policyName)), protocol, processor,
                MessageFeedbackProcessorClientOptions.builder().sslContext(trustHubCa).build());
        client.start();
        serviceClients.add(client::stop);
        return client;
    }

    /** A service SAS token of the named policy, valid for an hour: what a service SDK sends as Authorization. */
    String sasToken(String policyName) {
        return sasToken(policyName, hub.identity().registry().findPolicy(policyName).orElseThrow().primaryKey());
    }

    private String sasToken(String policyName, String key) {
        long expiry = Instant.now().plusSeconds(3600).getEpochSecond();
        return SasSigner.sign(key, hub.hostName(), expiry, policyName);
    }

    String registerDevice(String deviceId) {
        hub.identity().registry().createDevice(deviceId);
        return deviceId;
    }

    /** Closes every device and module client made so far; the hub and the service clients stay. */
    void closeDevices() {
        for (ModuleClient client : modules) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        modules.clear();
        for (DeviceClient client : devices) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        devices.clear();
    }

    /** Closes every client it made, then the hub (the data directory stays until the class or test is over). */
    @Override
    public void close() {
        for (AutoCloseable client : serviceClients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
        serviceClients.clear();
        closeDevices();
        if (hub != null) {
            hub.close();
        }
    }

    /** Where port 443 comes in: the only port some SDKs use for WebSockets (devices) or HTTPS (Node service SDK). */
    private enum Port443 {
        /** No 443: HTTPS on a free port, WebSockets there only. */
        NONE,
        /** MQTT and AMQP over WebSockets on 443; the class is skipped or failed where 443 is out of reach. */
        WEB_SOCKETS,
        /** WebSockets on 443 where this process may bind it; the tests that need it call WebSocketPort.requireListening. */
        WEB_SOCKETS_WHERE_BINDABLE,
        /** HTTPS (and WebSockets with it) on 443; the class is skipped or failed where 443 is out of reach. */
        HTTPS;

        /** A free loopback address for the ports the SDKs fix: 8883 (MQTT), 5671 (AMQPS), 5672, 8443, and 443. */
        String pickAddress() {
            return switch (this) {
                case NONE -> LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);
                case WEB_SOCKETS, HTTPS -> WebSocketPort.loopbackAddressAlsoFreeOn(8443, 5671, 5672);
                case WEB_SOCKETS_WHERE_BINDABLE -> WebSocketPort.isBindable()
                        ? LoopbackAddresses.pickFree(8883, WebSocketPort.PORT, 8443, 5671, 5672)
                        : LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);
            };
        }

        void applyTo(LocalHub.Builder builder) {
            switch (this) {
                case WEB_SOCKETS, WEB_SOCKETS_WHERE_BINDABLE -> builder.webSocketPort(WebSocketPort.PORT);
                case HTTPS -> builder.httpsPort(WebSocketPort.PORT);
                case NONE -> { }
            }
        }
    }

    /** A test class's hub: the defaults are HTTPS on a free port, no port 443, started with the class. */
    public static final class Builder {
        private Port443 port443 = Port443.NONE;
        private Consumer<LocalHub.Builder> settings = builder -> { };
        private boolean startedByTheTest;

        private Builder() {
        }

        /** For the device end-to-end tests: WebSockets on 443 when {@link #DEVICE_PROTOCOL} is a WebSocket protocol. */
        public Builder forDevices() {
            port443 = WEB_SOCKET_DEVICES ? Port443.WEB_SOCKETS : Port443.NONE;
            return this;
        }

        /** MQTT and AMQP over WebSockets on 443; skips or fails the class (as {@link WebSocketPort} says) without it. */
        public Builder webSockets() {
            port443 = Port443.WEB_SOCKETS;
            return this;
        }

        /** WebSockets on 443 where this process may bind it, for classes whose tests check it one by one. */
        public Builder webSocketsWhereBindable() {
            port443 = Port443.WEB_SOCKETS_WHERE_BINDABLE;
            return this;
        }

        /** HTTPS on 443, the Node service SDK's only port; skips or fails the class without it. */
        public Builder httpsOn443() {
            port443 = Port443.HTTPS;
            return this;
        }

        /** Any other setting of the hub (limits, durability, hub name, ...), applied after the ones above. */
        public Builder settings(Consumer<LocalHub.Builder> more) {
            settings = settings.andThen(more);
            return this;
        }

        /** The address and data directory are there, but the test starts the hub ({@link TestHub#start()}). */
        public Builder startedByTheTest() {
            startedByTheTest = true;
            return this;
        }

        public TestHub build() {
            return new TestHub(this);
        }
    }

    /** Waits until {@code condition} holds, failing the test with {@code what} after {@code limit}. */
    static void awaitThat(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until %s", what).isLessThan(deadline);
            pause(20);
        }
    }

    static void pause(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }
}
