package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub restarts under a connected SDK device and a call in flight: the call ends with 404103 at once, the device
 * reconnects by itself, and the same keys still work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HubRestartTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void devicesReconnectByThemselvesAndCallsInFlightEndWith404103() throws Exception {
        List<DeviceIdentity> devicesBefore = hub.hub.identity().registry().listDevices();
        CountDownLatch slowCallArrived = new CountDownLatch(1);
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        DeviceClient device = hub.device("MyJavaDevice");
        device.setConnectionStatusChangeCallback(context -> statuses.add(context.getNewStatus()), null);
        device.open(false);
        device.subscribeToMethods((name, payload, context) -> {
            if (name.equals("slow")) {
                slowCallArrived.countDown();
                sleep(8_000);
            }
            return new DirectMethodResponse(200, Map.of("method", name));
        }, null);
        DirectMethodsClient methods = hub.methodsClient("service");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<?> inFlight = caller.submit(() -> methods.invoke("MyJavaDevice", "slow", options(60)));
            assertThat(slowCallArrived.await(10, TimeUnit.SECONDS)).isTrue();
            long stopping = System.nanoTime();

            hub.hub.close();

            assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IotHubNotFoundException.class)
                    .satisfies(e -> assertThat(((IotHubException) e.getCause()).getErrorCode()).isEqualTo(404103));
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));

            hub.start();
            assertThat(hub.hub.identity().registry().listDevices()).isEqualTo(devicesBefore);
            waitUntil(hub.hub::isDeviceConnected, "MyJavaDevice", Duration.ofSeconds(60), statuses);
            waitUntilMethodsWork(methods);

            assertThat(statuses).contains(IotHubConnectionStatus.DISCONNECTED_RETRYING)
                    .endsWith(IotHubConnectionStatus.CONNECTED);
        } finally {
            caller.shutdownNow();
        }
    }

    /** The device reconnects before it subscribes to methods again; allow it that moment. */
    private static void waitUntilMethodsWork(DirectMethodsClient methods) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                assertThat(methods.invoke("MyJavaDevice", "quick", options(10)).getStatus()).isEqualTo(200);
                return;
            } catch (IotHubNotFoundException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    private static DirectMethodRequestOptions options(int responseTimeout) {
        return DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(responseTimeout)
                .methodConnectTimeoutSeconds(5).build();
    }

    private static void waitUntil(java.util.function.Predicate<String> connected, String deviceId, Duration limit,
                                  List<IotHubConnectionStatus> statuses) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!connected.test(deviceId) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(connected.test(deviceId)).as(deviceId + " reconnected by itself; its statuses: " + statuses).isTrue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
