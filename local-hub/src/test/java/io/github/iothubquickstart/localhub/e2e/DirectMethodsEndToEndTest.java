package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.MethodCallback;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Direct methods from the real service SDK to the real device SDK through the hub, and every way they fail. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectMethodsEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().forDevices().build();
    static DirectMethodsClient methods;

    /** Answers "echo" with what it got, "sleep" never in time, anything else with 404 naming the method. */
    static final MethodCallback HANDLER = (name, payload, context) -> switch (name) {
        case "echo" -> new DirectMethodResponse(200, Map.of("echo", payload.getPayloadAsJsonElement()));
        case "sleep" -> {
            try {
                Thread.sleep(7_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            yield new DirectMethodResponse(200, Map.of());
        }
        default -> new DirectMethodResponse(404, Map.of("error", "no method " + name));
    };

    @BeforeAll
    static void setUp() {
        methods = hub.methodsClient("service");
    }

    @Test
    void deviceAnswerReachesTheCallerWithStatusAndObjectPayload() throws Exception {
        String deviceId = hub.registerDevice("echo-device");
        hub.connectedDevice(deviceId, HANDLER);

        var response = methods.invoke(deviceId, "echo", options(Map.of("interval", 10), 30, 0));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getPayloadAsJsonElement().getAsJsonObject()
                .getAsJsonObject("echo").get("interval").getAsInt()).isEqualTo(10);
    }

    @Test
    void nullPayloadOfTheServiceSdkReachesTheDeviceAsJsonNull() throws Exception {
        String deviceId = hub.registerDevice("null-payload-device");
        AtomicReference<JsonElement> seen = new AtomicReference<>();
        hub.connectedDevice(deviceId, (name, payload, context) -> {
            seen.set(payload.getPayloadAsJsonElement());
            return new DirectMethodResponse(200, Map.of());
        });

        // Without a payload the service SDK sends "payload": null.
        var response = methods.invoke(deviceId, "reboot", options(null, 30, 0));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(seen.get()).isEqualTo(JsonNull.INSTANCE);
    }

    @Test
    void absentPayloadReachesTheDeviceEmptyWhichTheDeviceSdkShowsAsAnEmptyObject() throws Exception {
        String deviceId = hub.registerDevice("no-payload-device");
        AtomicReference<String> seen = new AtomicReference<>();
        hub.connectedDevice(deviceId, (name, payload, context) -> {
            seen.set(payload.getPayloadAsJsonString());
            return new DirectMethodResponse(200, Map.of());
        });
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).build();

        // The SDK always sends a payload member; a hand-written REST call may leave it out.
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost()
                        + "/twins/" + deviceId + "/methods?api-version=2021-04-12"))
                .header("Authorization", hub.sasToken("service"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"reboot\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(seen.get()).isEqualTo("{}");
    }

    @Test
    void unknownMethodGetsTheDevicesOwn404() throws Exception {
        String deviceId = hub.registerDevice("device-404");
        hub.connectedDevice(deviceId, HANDLER);

        var response = methods.invoke(deviceId, "NoSuchMethod", options(null, 30, 0));

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getPayloadAsJsonElement().getAsJsonObject().get("error").getAsString())
                .isEqualTo("no method NoSuchMethod");
    }

    @Test
    void registeredDeviceThatIsNotConnectedIs404103() {
        String deviceId = hub.registerDevice("offline-device");

        assertThatThrownBy(() -> methods.invoke(deviceId, "echo", options(1, 30, 0)))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404103));
    }

    @Test
    void unknownDeviceIs404001() {
        assertThatThrownBy(() -> methods.invoke("never-registered", "echo", options(1, 30, 0)))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404001));
    }

    @Test
    void callWaitsUpToTheConnectTimeoutForTheDeviceToComeOnline() throws Exception {
        String deviceId = hub.registerDevice("late-device");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse> call =
                    caller.submit(() -> methods.invoke(deviceId, "echo", options("hi", 30, 20)));
            TestHub.pause(1_000);
            hub.connectedDevice(deviceId, HANDLER);

            assertThat(call.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void deviceTooSlowIs504101AfterTheResponseTimeout() throws Exception {
        String deviceId = hub.registerDevice("slow-device");
        hub.connectedDevice(deviceId, HANDLER);
        long start = System.nanoTime();

        assertThatThrownBy(() -> methods.invoke(deviceId, "sleep", options(null, 5, 0)))
                .isInstanceOf(IotHubGatewayTimeoutException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(504101));
        // The 5 s asked for, not IoT Hub's default 30 s; the upper bound leaves room for a loaded machine (8.7 s seen
        // at load average 18), since this checks which timeout applied, not how fast the hub is.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(4_500), Duration.ofSeconds(15));
    }

    @Test
    void deviceThatDropsMidCallFailsTheCallAtOnceWith404103() throws Exception {
        String deviceId = hub.registerDevice("dropping-device");
        CountDownLatch called = new CountDownLatch(1);
        DeviceClient dropping = hub.device(deviceId);
        // Without retry, the dropped client stays gone instead of taking the connection back.
        dropping.setRetryPolicy(new NoRetry());
        dropping.open(false);
        dropping.subscribeToMethods((name, payload, context) -> {
            called.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new DirectMethodResponse(200, Map.of());
        }, null);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            long start = System.nanoTime();
            Future<?> call = caller.submit(() -> methods.invoke(deviceId, "hang", options(null, 60, 0)));
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
            // Close the device's connection from the hub's side: the same device connecting again replaces it.
            hub.device(deviceId).open(false);

            assertThatThrownBy(() -> call.get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IotHubNotFoundException.class)
                    .satisfies(e -> assertThat(((IotHubException) e.getCause()).getErrorCode()).isEqualTo(404103));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void hundredConcurrentCallsEachGetTheirOwnAnswer() throws Exception {
        String deviceId = hub.registerDevice("busy-device");
        hub.connectedDevice(deviceId, HANDLER);
        ExecutorService callers = Executors.newFixedThreadPool(100);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int callNumber = i;
                answers.add(callers.submit(() -> {
                    var response = methods.invoke(deviceId, "echo", options(Map.of("call", callNumber), 30, 0));
                    JsonObject echoed = response.getPayloadAsJsonElement().getAsJsonObject().getAsJsonObject("echo");
                    return echoed.get("call").getAsInt();
                }));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(answers.get(i).get(40, TimeUnit.SECONDS)).isEqualTo(i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static DirectMethodRequestOptions options(Object payload, int responseTimeout, int connectTimeout) {
        return DirectMethodRequestOptions.builder()
                .payload(payload)
                .methodResponseTimeoutSeconds(responseTimeout)
                .methodConnectTimeoutSeconds(connectTimeout)
                .build();
    }
}
