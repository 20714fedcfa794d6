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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * An in-process local hub on its own loopback address for one test class, with the real Azure SDK clients wired to
 * trust its CA (and nothing else). Closing it closes every client it made, then the hub.
 */
final class TestHub implements AutoCloseable {
    /**
     * The protocol of the device clients made without one: MQTT, or what {@code -Dlocalhub.deviceProtocol} says
     * (the build runs the device end-to-end tests once more with AMQPS and with AMQPS_WS: local-hub/pom.xml).
     */
    static final IotHubClientProtocol DEVICE_PROTOCOL =
            IotHubClientProtocol.valueOf(System.getProperty("localhub.deviceProtocol", "MQTT"));
    final LocalHub hub;
    final SSLContext trustHubCa;
    private final List<DeviceClient> devices = new ArrayList<>();
    private final List<ModuleClient> modules = new ArrayList<>();
    private final List<AutoCloseable> serviceClients = new ArrayList<>();

    /**
     * A hub for the device end-to-end tests on its own loopback address: with port 443 when {@link #DEVICE_PROTOCOL}
     * is a WebSocket protocol (skipped or failed as {@link WebSocketPort} says where 443 is out of reach), else without.
     */
    static TestHub forDevices(Path dataDirectory) {
        if (DEVICE_PROTOCOL == IotHubClientProtocol.AMQPS_WS || DEVICE_PROTOCOL == IotHubClientProtocol.MQTT_WS) {
            return WebSocketPort.startHub(dataDirectory);
        }
        return new TestHub(LoopbackAddresses.pickFree(8883, 8443, 5671), dataDirectory);
    }

    /** A hub without port 443 (only the WebSocket tests take it, on addresses picked for it). */
    TestHub(String loopbackAddress, Path dataDirectory) {
        this(LocalHub.builder().bindAddress(loopbackAddress).dataDirectory(dataDirectory).httpsPort(0).webSocketPort(0));
    }

    TestHub(LocalHub.Builder settings) {
        this.hub = settings.build().start();
        this.trustHubCa = TrustedCa.trustingOnly(hub.caCertificateFile());
        // The service SDK speaks HTTPS through HttpsURLConnection's default socket factory.
        HttpsURLConnection.setDefaultSSLSocketFactory(trustHubCa.getSocketFactory());
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
        hub.close();
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
