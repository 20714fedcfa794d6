package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device SDK 2.5.0's lost twin answer (docs/sdk-twin-race.md), made to happen every time: the thread that
 * received the hub's answer looks up the request's callback only after the SDK's receive task has removed it, the
 * interleaving that made {@code ProvisioningMqttEndToEndTest}'s {@code getTwin} time out under load. The SDK's code
 * runs unchanged; only its callback map is wrapped to hold that one lookup until the removal. {@link TwinRequests}
 * must then give the twin and the update outcome the hub answered, read from the received answer, without sending a
 * request again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LostTwinAnswerTest {
    /** Each test's own hub: the device's lost answers must not outlive the test. */
    @RegisterExtension
    final TestHub hub = TestHub.builder().forDevices().build();
    DeviceClient device;
    String deviceId;

    @BeforeEach
    void connectADeviceThatLosesEveryTwinAnswer() throws Exception {
        deviceId = hub.registerDevice("forgetful");
        Twin desired = new Twin(deviceId);
        desired.getDesiredProperties().put("interval", 11);
        hub.twinClient("service").patch(desired);
        device = hub.device(deviceId, IotHubClientProtocol.MQTT);
        device.open(false);
        device.subscribeToDesiredProperties((patch, context) -> { }, null);
        LookupAfterRemoval.install(device);
    }

    @Test
    void theSdksOwnGetTwinTimesOutAlthoughTheHubAnswered() {
        assertThatThrownBy(() -> device.getTwin(3_000))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.DEVICE_OPERATION_TIMED_OUT));
    }

    @Test
    void twinRequestsReadsTheTwinFromTheLostAnswer() throws Exception {
        int recoveredBefore = TwinRequests.recoveredAnswers();

        var twin = TwinRequests.getTwin(device);

        assertThat(((Number) twin.getDesiredProperties().get("interval")).intValue()).isEqualTo(11);
        assertThat(TwinRequests.recoveredAnswers() - recoveredBefore).isEqualTo(1);
    }

    @Test
    void twinRequestsReadsTheReportedUpdateFromTheLostAnswer() throws Exception {
        TwinCollection reported = new TwinCollection();
        reported.put("firmware", "1.2");

        int version = TwinRequests.updateReportedProperties(device, reported).getVersion();

        Twin stored = hub.twinClient("service").get(deviceId);
        assertThat(stored.getReportedProperties().get("firmware")).isEqualTo("1.2");
        assertThat(version).isEqualTo(stored.getReportedProperties().getVersion());
    }

    /**
     * Replaces {@code IotHubTransport.correlationCallbacks}: a lookup from {@code onMessageReceived} (the thread that
     * received an answer, right after queueing it for the receive task) waits until the receive task's thread has
     * removed that entry, as when the receiving thread is descheduled on a busy machine.
     */
    private static final class LookupAfterRemoval extends ConcurrentHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
        private final Set<Object> removed = ConcurrentHashMap.newKeySet();

        static void install(DeviceClient device) throws ReflectiveOperationException {
            Object deviceIo = field(com.microsoft.azure.sdk.iot.device.InternalClient.class, "deviceIO").get(device);
            Object transport = field(deviceIo.getClass(), "transport").get(deviceIo);
            Field callbacks = field(transport.getClass(), "correlationCallbacks");
            LookupAfterRemoval wrapped = new LookupAfterRemoval();
            wrapped.putAll((Map<?, ?>) callbacks.get(transport));
            callbacks.set(transport, wrapped);
        }

        private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }

        @Override
        public Object get(Object key) {
            if (calledFromOnMessageReceived()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!removed.contains(key) && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            return super.get(key);
        }

        @Override
        public Object remove(Object key) {
            Object value = super.remove(key);
            removed.add(key);
            return value;
        }

        private static boolean calledFromOnMessageReceived() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame ->
                    frame.getClassName().endsWith(".IotHubTransport")
                            && frame.getMethodName().equals("onMessageReceived")));
        }
    }
}
