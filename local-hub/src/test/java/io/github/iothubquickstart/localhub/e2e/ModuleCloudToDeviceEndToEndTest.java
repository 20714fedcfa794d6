package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cloud-to-device messages to a module, as the Java SDK's own ReceiveMessagesTests send them:
 * {@code MessagingClient.send(deviceId, moduleId, message)}, received by the module's {@code ModuleClient} message
 * callback on each transport (WebSockets on 443), with feedback; the module's device never sees them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModuleCloudToDeviceEndToEndTest {
    private static final long WAIT_SECONDS = 15;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static MessagingClient messaging;
    static final ReceivedFeedback feedback = new ReceivedFeedback();

    @BeforeAll
    static void setUp() throws Exception {
        messaging = hub.messagingClient("service");
        hub.feedbackClient("service", feedback::add);
    }

    @AfterEach
    void closeClients() {
        hub.closeDevices();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void theModuleGetsItsMessageWithFeedbackAndItsDeviceDoesNot(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("c2d-module-host", protocol).replace('_', '-');
        hub.registerModule(deviceId, "actuator");
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> toModule = new LinkedBlockingQueue<>();
        ModuleClient module = hub.module(deviceId, "actuator", protocol);
        module.setMessageCallback((message, context) -> {
            toModule.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        module.open(false);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.Message> toDevice = new LinkedBlockingQueue<>();
        DeviceClient device = hub.device(deviceId, protocol);
        device.setMessageCallback((message, context) -> {
            toDevice.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        device.open(false);

        Message forModule = new Message("{\"open\":true}");
        forModule.setMessageId("module-" + protocol);
        forModule.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        forModule.setProperties(Map.of("command", "open"));
        messaging.send(deviceId, "actuator", forModule);
        Message forDevice = new Message("for the device");
        forDevice.setMessageId("device-" + protocol);
        messaging.send(deviceId, forDevice);

        com.microsoft.azure.sdk.iot.device.Message got = toModule.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(got).as("the message reached the module").isNotNull();
        assertThat(got.getMessageId()).isEqualTo("module-" + protocol);
        assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"open\":true}");
        assertThat(got.getProperty("command")).isEqualTo("open");
        com.microsoft.azure.sdk.iot.device.Message gotByDevice = toDevice.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(gotByDevice).as("the device's own message").isNotNull();
        assertThat(gotByDevice.getMessageId()).isEqualTo("device-" + protocol);

        FeedbackRecord record = feedback.of("module-" + protocol, WAIT_SECONDS);
        assertThat(record.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
        assertThat(record.getDeviceId()).isEqualTo(deviceId);
        assertThat(toDevice.poll(1, TimeUnit.SECONDS)).as("the module's message is not the device's").isNull();
        assertThat(toModule.poll(1, TimeUnit.SECONDS)).as("the device's message is not the module's").isNull();
    }
}
