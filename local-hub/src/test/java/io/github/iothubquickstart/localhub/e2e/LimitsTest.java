package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.HubLimits;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.mqtt.MqttClient;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/** Past each cap the hub refuses as IoT Hub does when it throttles, and it recovers once the load is gone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.limits(HubLimits.DEFAULT.withMaxConnectedDevices(3).withMaxMethodCallsPerDevice(2)
                    .withConnectPacketTimeout(Duration.ofSeconds(2))))
            .build();
    static RawMqttDevices devices;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
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
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.mqttPort()), 5_000);
            socket.startHandshake();
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();

            assertThat(socket.getInputStream().read()).as("the hub closes the idle connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1_000), Duration.ofSeconds(6));
        }
    }

    @Test
    void twinRequestsPastThePerConnectionCapAre429AndTheNextOneAfterThemIsAnswered() throws Exception {
        DeviceIdentity device = devices.device("twin-flood");
        try (SSLSocket socket = (SSLSocket) hub.trustHubCa.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(hub.address(), hub.hub.mqttPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(MqttFuzzTest.connectPacket(device.deviceId(), devices.username(device.deviceId()),
                    devices.password(device)));
            out.write(MqttFuzzTest.subscribePacket("$iothub/twin/res/#", 1));
            out.flush();
            assertThat(in.readNBytes(4)).as("CONNACK").containsExactly(0x20, 0x02, 0x00, 0x00);
            assertThat(in.readNBytes(5)).as("SUBACK").containsExactly(0x90, 0x03, 0x00, 0x01, 0x01);

            // In one write, so that the hub reads them faster than the store answers them.
            int requests = 1_000;
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < requests; i++) {
                flood.writeBytes(MqttFuzzTest.publishPacket("$iothub/twin/GET/?$rid=" + i, new byte[0], 0, 0));
            }
            out.write(flood.toByteArray());
            out.flush();
            Map<Integer, Integer> answersByStatus = new TreeMap<>();
            String throttledBody = null;
            for (int i = 0; i < requests; i++) {
                String[] answer = readPublish(in);
                int status = Integer.parseInt(answer[0].split("/")[3]);
                answersByStatus.merge(status, 1, Integer::sum);
                if (status == 429) {
                    throttledBody = answer[1];
                }
            }

            assertThat(answersByStatus.keySet()).as("statuses of %d twin GETs sent at once", requests)
                    .containsExactly(200, 429);
            assertThat(answersByStatus.get(200)).isGreaterThanOrEqualTo(100);
            assertThat(throttledBody).contains("\"errorCode\":429001");
            out.write(MqttFuzzTest.publishPacket("$iothub/twin/GET/?$rid=after", new byte[0], 0, 0));
            out.flush();
            assertThat(readPublish(in)[0]).isEqualTo("$iothub/twin/res/200/?$rid=after");
        }
        // Not counted against the device cap of the other tests.
        waitUntil(() -> !hub.hub.isDeviceConnected("twin-flood"));
    }

    /** The topic and payload of the next packet, which must be a QoS 0 PUBLISH. */
    private static String[] readPublish(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        assertThat(type & 0xF0).as("packet type").isEqualTo(0x30);
        int length = 0;
        for (int shift = 0, digit = 0x80; (digit & 0x80) != 0; shift += 7) {
            digit = in.readUnsignedByte();
            length |= (digit & 0x7F) << shift;
        }
        byte[] body = in.readNBytes(length);
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        return new String[] {new String(body, 2, topicLength, StandardCharsets.UTF_8),
                new String(body, 2 + topicLength, body.length - 2 - topicLength, StandardCharsets.UTF_8)};
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
