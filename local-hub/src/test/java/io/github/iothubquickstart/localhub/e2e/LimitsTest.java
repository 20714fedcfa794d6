package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.LocalHub;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.mqtt.MqttClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Past each cap the hub refuses as IoT Hub does when it throttles, and it recovers once the load is gone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    static Path dataDirectory;
    static TestHub hub;
    static RawMqttDevices devices;

    @BeforeAll
    static void start() {
        HubLimits limits = HubLimits.DEFAULT.withMaxConnectedDevices(3).withMaxMethodCallsPerDevice(2)
                .withConnectPacketTimeout(Duration.ofSeconds(2));
        hub = new TestHub(LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).httpsPort(0).limits(limits));
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void stop() throws Exception {
        devices.close();
        hub.close();
    }

    @Test
    void devicesPastTheConnectionCapGetServerUnavailableUntilOneLeaves() throws Exception {
        MqttClient first = devices.connect(devices.device("cap-1"));
        devices.connect(devices.device("cap-2"));
        devices.connect(devices.device("cap-3"));

        assertThat(devices.refusal("cap-4", devices.username("cap-4"), devices.password(devices.device("cap-4"))))
                .isEqualTo(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
        MqttClient again = devices.connect(devices.device("cap-3"));
        assertThat(again.isConnected()).as("a device replacing its own connection is not over the cap").isTrue();

        first.disconnect().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        waitUntil(() -> !hub.hub.isDeviceConnected("cap-1"));
        MqttClient fourth = devices.connect(devices.device("cap-4"));
        assertThat(fourth.isConnected()).isTrue();
        for (String id : new String[] {"cap-2", "cap-3", "cap-4"}) {
            devices.connect(devices.device(id)).disconnect();
        }
        waitUntil(() -> !hub.hub.isDeviceConnected("cap-2") && !hub.hub.isDeviceConnected("cap-3")
                && !hub.hub.isDeviceConnected("cap-4"));
    }

    @Test
    void methodCallsPastThePerDeviceCapAre429AndTheNextOneAfterThemWorks() throws Exception {
        String deviceId = hub.registerDevice("busy");
        CountDownLatch release = new CountDownLatch(1);
        DeviceClient device = hub.connectedDevice(deviceId, (name, payload, context) -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new DirectMethodResponse(200, Map.of("method", name));
        });
        DirectMethodsClient methods = hub.methodsClient("service");
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = callers.submit(() -> methods.invoke(deviceId, "one", options()));
            Future<?> two = callers.submit(() -> methods.invoke(deviceId, "two", options()));
            // The SDK answers one call at a time: the second waits in the device, still in flight at the hub.
            waitUntil(() -> hub.hub.methodCallsInFlight() == 2);

            assertThatThrownBy(() -> methods.invoke(deviceId, "three", options()))
                    .isInstanceOf(IotHubTooManyRequestsException.class)
                    .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(429001));

            release.countDown();
            one.get(10, TimeUnit.SECONDS);
            two.get(10, TimeUnit.SECONDS);
            assertThat(methods.invoke(deviceId, "four", options()).getStatus()).isEqualTo(200);
            assertThat(hub.hub.methodCallsInFlight()).isZero();
        } finally {
            callers.shutdownNow();
            device.close();
        }
    }

    @Test
    void aClientThatConnectsAndSendsNothingIsDroppedAfterTheConnectTimeout() throws Exception {
        try (SSLSocket socket = (SSLSocket) hub.trustHubCa.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(ADDRESS, hub.hub.mqttPort()), 5_000);
            socket.startHandshake();
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();

            assertThat(socket.getInputStream().read()).as("the hub closes the idle connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1_000), Duration.ofSeconds(6));
        }
    }

    private static DirectMethodRequestOptions options() {
        return DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(30).methodConnectTimeoutSeconds(0).build();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
