package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionString;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.MultiplexingClient;
import com.microsoft.azure.sdk.iot.device.MultiplexingClientOptions;
import com.microsoft.azure.sdk.iot.device.SasTokenProvider;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSasToken;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The flow of the Azure device SDK suite's {@code TokenRenewalTests#tokenRenewalWorks}, with tokens that live seconds
 * instead of 30 s: on each transport, a device client and a module client (with its device's key, as the suite
 * connects it) whose SAS lives {@link #TOKEN_SECONDS} ({@code ClientOptions.sasTokenExpiryTime}), a device client with
 * its own {@link SasTokenProvider}, and over AMQP devices multiplexed on one connection, all open and still sending
 * after their first tokens expired. Over AMQP the SDK
 * renews on $cbs before expiry and must never be disconnected; over MQTT the hub drops the connection when the token
 * expires, as IoT Hub does, and the SDK reconnects with a new one (DISCONNECTED_RETRYING with EXPIRED_SAS_TOKEN, then
 * CONNECTED).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceTokenRenewalTest {
    /** The SDK's own tokens: it signs them for this long plus a second and renews at 85 % of this. */
    private static final int TOKEN_SECONDS = 4;
    /**
     * A {@link SasTokenProvider}'s tokens: the SDK renews them at 85 % of their remaining whole seconds, so one that
     * lives under 7 s would be renewed after it expired (IoT Hub's grace period hides that; the hub has none).
     */
    private static final int PROVIDER_TOKEN_SECONDS = 8;
    /** Past every first token's expiry, with time for MQTT clients to reconnect. */
    private static final long WAIT_MILLIS = (PROVIDER_TOKEN_SECONDS + 3) * 1_000L;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void clientsThatRenewTheirSasKeepWorkingAfterTheFirstTokenExpired(IotHubClientProtocol protocol) throws Exception {
        String base = "renew-" + protocol.name().toLowerCase().replace('_', '-');
        Map<InternalClient, List<ConnectionChange>> changes = new ConcurrentHashMap<>();
        List<InternalClient> clients = new ArrayList<>();
        clients.add(deviceClient(hub.registerDevice(base + "-device"), protocol));
        hub.registerModule(base + "-module-device", "renewing");
        clients.add(moduleClient(base + "-module-device", "renewing", protocol));
        clients.add(deviceWithOwnTokens(hub.registerDevice(base + "-provider"), protocol));
        MultiplexingClient multiplexing = null;
        if (protocol == IotHubClientProtocol.AMQPS || protocol == IotHubClientProtocol.AMQPS_WS) {
            multiplexing = new MultiplexingClient(hub.hub.hostName(), protocol,
                    MultiplexingClientOptions.builder().sslContext(hub.trustHubCa).build());
            List<DeviceClient> multiplexed = List.of(deviceClient(hub.registerDevice(base + "-mux-1"), protocol),
                    deviceClient(hub.registerDevice(base + "-mux-2"), protocol));
            multiplexing.registerDeviceClients(multiplexed);
            clients.addAll(multiplexed);
        }
        for (InternalClient client : clients) {
            List<ConnectionChange> seen = new CopyOnWriteArrayList<>();
            changes.put(client, seen);
            client.setConnectionStatusChangeCallback(context -> seen.add(
                    new ConnectionChange(context.getNewStatus(), context.getNewStatusReason())), null);
        }
        try {
            for (InternalClient client : clients) {
                if (!(client instanceof DeviceClient device && multiplexing != null
                        && multiplexing.isDeviceRegistered(device.getConfig().getDeviceId()))) {
                    client.open(false);
                }
            }
            if (multiplexing != null) {
                multiplexing.open(false);
            }

            // Every client's first token has expired, and over MQTT the hub has dropped its connection.
            TimeUnit.MILLISECONDS.sleep(WAIT_MILLIS);

            for (InternalClient client : clients) {
                String id = idOf(client);
                try (TelemetryWait wait = new TelemetryWait(id)) {
                    client.sendEvent(new Message(("after renewal from " + id).getBytes(StandardCharsets.UTF_8)));
                    assertThat(wait.body()).as("telemetry of %s after its first token expired", id)
                            .isEqualTo("after renewal from " + id);
                }
            }
        } finally {
            for (InternalClient client : clients) {
                if (client instanceof ModuleClient || multiplexing == null
                        || !multiplexing.isDeviceRegistered(client.getConfig().getDeviceId())) {
                    client.close();
                }
            }
            if (multiplexing != null) {
                multiplexing.close();
            }
        }

        for (InternalClient client : clients) {
            List<ConnectionChange> seen = changes.get(client);
            if (protocol == IotHubClientProtocol.MQTT || protocol == IotHubClientProtocol.MQTT_WS) {
                assertThat(seen).as("connection changes of %s", idOf(client))
                        .contains(new ConnectionChange(IotHubConnectionStatus.DISCONNECTED_RETRYING,
                                IotHubConnectionStatusChangeReason.EXPIRED_SAS_TOKEN))
                        .filteredOn(change -> change.status() == IotHubConnectionStatus.DISCONNECTED_RETRYING)
                        .allMatch(change -> change.reason() == IotHubConnectionStatusChangeReason.EXPIRED_SAS_TOKEN);
            } else {
                assertThat(seen).as("connection changes of %s", idOf(client)).extracting(ConnectionChange::status)
                        .doesNotContain(IotHubConnectionStatus.DISCONNECTED_RETRYING);
            }
            assertThat(seen).as("connection changes of %s", idOf(client))
                    .filteredOn(change -> change.status() == IotHubConnectionStatus.DISCONNECTED)
                    .extracting(ConnectionChange::reason)
                    .containsOnly(IotHubConnectionStatusChangeReason.CLIENT_CLOSE);
        }
    }

    private record ConnectionChange(IotHubConnectionStatus status, IotHubConnectionStatusChangeReason reason) {
    }

    private static String idOf(InternalClient client) {
        String moduleId = client.getConfig().getModuleId();
        return client.getConfig().getDeviceId() + (moduleId == null || moduleId.isEmpty() ? "" : "/" + moduleId);
    }

    private static ClientOptions shortLivedTokens() {
        return ClientOptions.builder().sslContext(hub.trustHubCa).sasTokenExpiryTime(TOKEN_SECONDS).build();
    }

    private static DeviceClient deviceClient(String deviceId, IotHubClientProtocol protocol) {
        return new DeviceClient(hub.hub.deviceConnectionString(deviceId), protocol, shortLivedTokens());
    }

    /**
     * As the suite's {@code DeviceConnectionString.get(hub, device, module)} writes it: the module's id with its
     * device's key, which IoT Hub takes for the module.
     */
    private static ModuleClient moduleClient(String deviceId, String moduleId, IotHubClientProtocol protocol) {
        String deviceKey = hub.hub.identity().registry().findDevice(deviceId).orElseThrow().primaryKey();
        String connectionString = "HostName=" + hub.hub.hostName() + ";DeviceId=" + deviceId + ";SharedAccessKey="
                + deviceKey + ";ModuleId=" + moduleId;
        return new ModuleClient(connectionString, protocol, shortLivedTokens());
    }

    /** As the suite's {@code SasTokenProviderImpl}: a fresh token of {@link #PROVIDER_TOKEN_SECONDS} at every call. */
    private static DeviceClient deviceWithOwnTokens(String deviceId, IotHubClientProtocol protocol) throws Exception {
        IotHubConnectionString connectionString = new IotHubConnectionString(hub.hub.deviceConnectionString(deviceId));
        SasTokenProvider tokens = () -> new IotHubSasToken(connectionString.getHostName(), deviceId,
                connectionString.getSharedAccessKey(), null, null,
                System.currentTimeMillis() / 1000 + PROVIDER_TOKEN_SECONDS).toString().toCharArray();
        return new DeviceClient(hub.hub.hostName(), deviceId, tokens, protocol,
                ClientOptions.builder().sslContext(hub.trustHubCa).build());
    }

    /** The next telemetry of one identity, as the hub stored it. */
    private static final class TelemetryWait implements AutoCloseable {
        private final java.util.concurrent.BlockingQueue<TelemetryMessage> received =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final AutoCloseable subscription;
        private final String id;

        TelemetryWait(String id) {
            this.id = id;
            this.subscription = hub.hub.telemetry().subscribe(received::add);
        }

        String body() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                TelemetryMessage message = received.poll(100, TimeUnit.MILLISECONDS);
                if (message != null && id.equals(message.deviceId()
                        + (message.moduleId() == null ? "" : "/" + message.moduleId()))) {
                    return new String(message.body(), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        @Override
        public void close() throws Exception {
            subscription.close();
        }
    }
}
