package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MultiplexingClient;
import com.microsoft.azure.sdk.iot.device.MultiplexingClientOptions;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.cli.LocalHubCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IoT Hub's fault injection, as the Azure device SDK's own error-injection tests ({@code SendMessagesErrInjTests},
 * {@code DirectMethodsErrInjTests}, {@code TwinErrInjTests}) use it: the unmodified SDK sends a message carrying
 * {@code AzIoTHub_FaultOperationType} with a delay of 1 s; its connection status callback then reports
 * DISCONNECTED_RETRYING and CONNECTED again, after which telemetry and a direct method work. Another device on the
 * same transport keeps its connection throughout, and the fault message is not stored as telemetry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultInjectionEndToEndTest {
    private static final int DELAY_SECONDS = 1;
    private static final int DURATION_SECONDS = 3;
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static MessagingClient messaging;

    @BeforeAll
    static void setUp() throws Exception {
        messaging = hub.messagingClient("service");
    }

    static Stream<Arguments> killTcpEverywhere() {
        return Stream.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS, IotHubClientProtocol.AMQPS,
                IotHubClientProtocol.AMQPS_WS).map(protocol -> Arguments.of(protocol, "KillTcp"));
    }

    static Stream<Arguments> mqttShutDown() {
        return Stream.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS)
                .map(protocol -> Arguments.of(protocol, "ShutDownMqtt"));
    }

    /**
     * Every AMQP fault over AMQPS; over AMQPS_WS the connection-wide ones only: past the WebSocket layer the
     * connection, its sessions and links are the same code as on 5671.
     */
    static Stream<Arguments> amqpFaults() {
        return Stream.concat(Stream.of(
                "KillAmqpConnection", "KillAmqpSession", "KillAmqpCBSLinkReq", "KillAmqpCBSLinkResp",
                "KillAmqpD2CLink", "KillAmqpC2DLink", "KillAmqpMethodReqLink", "KillAmqpMethodRespLink",
                "KillAmqpTwinLinkReq", "KillAmqpTwinLinkResp", "ShutDownAmqp")
                .map(fault -> Arguments.of(IotHubClientProtocol.AMQPS, fault)),
                Stream.of("KillAmqpConnection", "KillAmqpSession", "ShutDownAmqp")
                        .map(fault -> Arguments.of(IotHubClientProtocol.AMQPS_WS, fault)));
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource({"killTcpEverywhere", "mqttShutDown", "amqpFaults"})
    void theDeviceSeesItsConnectionBreakAndRecoversWhileAnotherKeepsItsOwn(IotHubClientProtocol protocol, String fault)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("faulty-" + fault, protocol));
        String bystanderId = hub.registerDevice(TestHub.idFor("bystander-" + fault, protocol));
        List<TelemetryMessage> stored = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            DeviceClient bystander = hub.device(bystanderId, protocol);
            List<IotHubConnectionStatus> bystanderStatuses = new CopyOnWriteArrayList<>();
            bystander.setConnectionStatusChangeCallback(context -> bystanderStatuses.add(context.getNewStatus()), null);
            bystander.open(false);
            DeviceClient device = hub.device(deviceId, protocol);
            List<StatusChange> statuses = new CopyOnWriteArrayList<>();
            device.setConnectionStatusChangeCallback(context -> statuses.add(
                    new StatusChange(context.getNewStatus(), context.getNewStatusReason())), null);
            // Every link a fault may name is open: cloud-to-device, methods, twin.
            LinkedBlockingQueue<String> cloudToDevice = new LinkedBlockingQueue<>();
            device.setMessageCallback((message, context) -> {
                cloudToDevice.add(new String(message.getBytes(), StandardCharsets.UTF_8));
                return IotHubMessageResult.COMPLETE;
            }, null);
            device.open(false);
            device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("name", name)),
                    null);
            device.subscribeToDesiredProperties((twin, context) -> { }, null);
            device.sendEvent(new Message("before the fault"));

            send(device, faultMessage(fault, protocol), protocol);

            TestHub.awaitThat(() -> statuses.stream().anyMatch(change ->
                    change.status() == IotHubConnectionStatus.DISCONNECTED_RETRYING), RECOVERY,
                    "the device sees its connection break: " + statuses);
            TestHub.awaitThat(() -> statuses.get(statuses.size() - 1).status() == IotHubConnectionStatus.CONNECTED,
                    RECOVERY, "the device reconnects by itself: " + statuses);
            assertThat(statuses).filteredOn(change -> change.status() == IotHubConnectionStatus.DISCONNECTED_RETRYING)
                    .extracting(StatusChange::reason)
                    .containsOnly(IotHubConnectionStatusChangeReason.NO_NETWORK);
            // What the SDK's ErrInj tests check after the reconnect: telemetry, a method, a message to the device.
            // (Not getTwin: right after an AMQP reconnect it hung now and then, after KillTcp too; see the report.)
            device.sendEvent(new Message("after the fault"));
            assertThat(invokeUntilSubscribedAgain(deviceId)).isEqualTo(200);
            messaging.send(deviceId,
                    new com.microsoft.azure.sdk.iot.service.messaging.Message("to the device"));
            assertThat(cloudToDevice.poll(20, TimeUnit.SECONDS)).isEqualTo("to the device");

            assertThat(bystanderStatuses).as("the other device's connection").containsExactly(
                    IotHubConnectionStatus.CONNECTED);
            bystander.sendEvent(new Message("bystander"));
            assertThat(stored).extracting(message -> new String(message.body()))
                    .contains("before the fault", "after the fault", "bystander");
            assertThat(stored).as("the fault request is not telemetry")
                    .noneMatch(message -> message.applicationProperties().containsKey("AzIoTHub_FaultOperationType"));
            device.close();
            bystander.close();
        }
    }

    /** Each refusal over one of the two AMQP transports (one code path past the WebSocket layer). */
    static Stream<Arguments> amqpRefusals() {
        return Stream.of(
                Arguments.of(IotHubClientProtocol.AMQPS, "InvokeThrottling", IotHubStatusCode.THROTTLED),
                Arguments.of(IotHubClientProtocol.AMQPS_WS, "InvokeMaxMessageQuota", IotHubStatusCode.IO_ERROR),
                Arguments.of(IotHubClientProtocol.AMQPS, "InvokeAuthError", IotHubStatusCode.UNAUTHORIZED));
    }

    /**
     * As {@code SendMessagesErrInjTests.sendMessagesWithThrottlingNoRetry} and its quota and authentication siblings:
     * the fault message is accepted; after the delay the device's telemetry is refused with what the SDK reports as
     * {@code expected}, while another device's is not; once the duration is over it is accepted again.
     */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("amqpRefusals")
    void telemetryIsRefusedForTheDurationOnAmqp(IotHubClientProtocol protocol, String fault, IotHubStatusCode expected)
            throws Exception {
        DeviceClient device = hub.device(hub.registerDevice(TestHub.idFor("refused-" + fault, protocol)), protocol);
        DeviceClient bystander = hub.device(hub.registerDevice(TestHub.idFor("unrefused-" + fault, protocol)),
                protocol);
        device.setRetryPolicy(new NoRetry());
        device.open(false);
        bystander.open(false);
        long sent = System.nanoTime();
        send(device, faultMessage(fault, protocol, DURATION_SECONDS), protocol);
        TestHub.pause(DELAY_SECONDS * 1000L + 300);

        assertThat(sendStatus(device)).isEqualTo(expected);
        assertThat(sendStatus(bystander)).as("another device's telemetry").isEqualTo(IotHubStatusCode.OK);

        long over = sent + TimeUnit.SECONDS.toNanos(DELAY_SECONDS + DURATION_SECONDS) + TimeUnit.MILLISECONDS.toNanos(300);
        TestHub.pause(Math.max(0, TimeUnit.NANOSECONDS.toMillis(over - System.nanoTime())));
        assertThat(sendStatus(device)).as("after the duration").isEqualTo(IotHubStatusCode.OK);
        device.close();
        bystander.close();
    }

    static Stream<Arguments> faultsMqttDoesNotHave() {
        return Stream.of(Arguments.of(IotHubClientProtocol.MQTT, "ShutDownAmqp"),
                Arguments.of(IotHubClientProtocol.MQTT_WS, "InvokeThrottling"),
                Arguments.of(IotHubClientProtocol.MQTT, "InvokeMaxMessageQuota"));
    }

    /**
     * A fault the device's protocol does not have (AMQP's, over MQTT) is an ordinary message: acknowledged, stored.
     * The refusals too: an MQTT PUBLISH cannot be refused, only its connection closed, which the device SDK 2.5.0 does
     * not always survive (seen: its reconnect task reports CONNECTED for a Paho client whose connection was just lost,
     * and the next send never completes); the SDK's own throttling tests are AMQP's.
     */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("faultsMqttDoesNotHave")
    void aFaultTheProtocolDoesNotHaveIsOrdinaryTelemetry(IotHubClientProtocol protocol, String fault)
            throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("unfaulted-" + fault.toLowerCase(), protocol));
        List<TelemetryMessage> stored = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            DeviceClient device = hub.device(deviceId, protocol);
            List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
            device.setConnectionStatusChangeCallback(context -> statuses.add(context.getNewStatus()), null);
            device.open(false);

            device.sendEvent(faultMessage(fault, IotHubClientProtocol.AMQPS));

            TestHub.awaitThat(() -> !stored.isEmpty(), RECOVERY, "the message is stored");
            assertThat(stored).singleElement().satisfies(message -> {
                assertThat(message.deviceId()).isEqualTo(deviceId);
                assertThat(message.applicationProperties()).containsEntry("AzIoTHub_FaultOperationType", fault);
            });
            TestHub.pause(DELAY_SECONDS * 1000L + 500);
            assertThat(statuses).containsExactly(IotHubConnectionStatus.CONNECTED);
            device.close();
        }
    }

    /** {@code local-hub fault} reaches the running hub: a device that sent nothing loses its connection and comes back. */
    @Test
    void theCliBreaksAConnectedDevicesConnection() throws Exception {
        String deviceId = hub.registerDevice("cli-killed");
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.MQTT);
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        device.setConnectionStatusChangeCallback(context -> statuses.add(context.getNewStatus()), null);
        device.open(false);

        Run run = run("fault", "--device", deviceId, "--type", "KillTcp");

        assertThat(run.status()).as(run.err().toString()).isZero();
        assertThat(run.out()).containsExactly("KillTcp set off for cli-killed now");
        TestHub.awaitThat(() -> statuses.contains(IotHubConnectionStatus.DISCONNECTED_RETRYING), RECOVERY,
                "the device sees its connection break: " + statuses);
        TestHub.awaitThat(() -> statuses.get(statuses.size() - 1) == IotHubConnectionStatus.CONNECTED, RECOVERY,
                "the device reconnects by itself: " + statuses);
        device.sendEvent(new Message("after"));
        device.close();
    }

    @Test
    void theCliThrottlesADeviceForTheDuration() throws Exception {
        String deviceId = hub.registerDevice("cli-throttled");
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.AMQPS);
        device.setRetryPolicy(new NoRetry());
        device.open(false);

        Run run = run("fault", "--device", deviceId, "--type", "InvokeThrottling", "--duration", "2");

        assertThat(run.status()).as(run.err().toString()).isZero();
        assertThat(run.out()).containsExactly("InvokeThrottling set off for cli-throttled now, lasting 2 s");
        assertThat(sendStatus(device)).isEqualTo(IotHubStatusCode.THROTTLED);
        TestHub.pause(2_200);
        assertThat(sendStatus(device)).isEqualTo(IotHubStatusCode.OK);
        device.close();
    }

    /** The route behind the CLI: a service-connect token, a known type, a connected device, each checked. */
    @Test
    void theFaultRouteRefusesWhatItCannotDo() throws Exception {
        String deviceId = hub.registerDevice("not-connected");
        ServiceHttp http = new ServiceHttp(hub);
        String killTcp = "{\"type\":\"KillTcp\"}";

        assertThat(http.post("/devices/" + deviceId + "/faults", killTcp, "registryRead").statusCode())
                .isEqualTo(401);
        HttpResponse<String> unknown = http.post("/devices/" + deviceId + "/faults", "{\"type\":\"KillAll\"}",
                "service");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("ArgumentInvalid");
        HttpResponse<String> notConnected = http.post("/devices/" + deviceId + "/faults", killTcp, "service");
        assertThat(notConnected.statusCode()).isEqualTo(404);
        assertThat(notConnected.body()).contains("404103");
        Run run = run("fault", "--device", deviceId, "--type", "KillTcp");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).singleElement().asString().startsWith("local-hub fault: the hub answered HTTP 404");
    }

    static Stream<Arguments> multiplexedFaults() {
        return Stream.of(IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS).flatMap(protocol -> Stream.of(
                Arguments.of(protocol, "KillAmqpSession"), Arguments.of(protocol, "KillTcp")));
    }

    /**
     * As {@code MultiplexingClientTests.multiplexedConnectionRecoversFromDeviceSessionDropsSequential} and
     * {@code ...FromTcpConnectionDrop}: devices sharing one AMQP connection; a session drop asked for by one device
     * takes its session alone (the others see nothing), a TCP drop takes them all; every device then sends again.
     */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("multiplexedFaults")
    void multiplexedDevicesRecover(IotHubClientProtocol protocol, String fault) throws Exception {
        MultiplexingClient multiplexing = new MultiplexingClient(hub.hub.hostName(), protocol,
                MultiplexingClientOptions.builder().sslContext(hub.trustHubCa).build());
        List<DeviceClient> devices = new ArrayList<>();
        List<List<IotHubConnectionStatus>> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String deviceId = hub.registerDevice(TestHub.idFor("mux-" + fault + "-" + i, protocol));
            // The multiplexed connection takes its TLS context from its devices' options.
            DeviceClient device = new DeviceClient(hub.hub.deviceConnectionString(deviceId), protocol,
                    ClientOptions.builder().sslContext(hub.trustHubCa).build());
            List<IotHubConnectionStatus> seen = new CopyOnWriteArrayList<>();
            device.setConnectionStatusChangeCallback(context -> seen.add(context.getNewStatus()), null);
            devices.add(device);
            statuses.add(seen);
        }
        List<IotHubConnectionStatus> connectionStatuses = new CopyOnWriteArrayList<>();
        multiplexing.setConnectionStatusChangeCallback(context -> connectionStatuses.add(context.getNewStatus()), null);
        multiplexing.registerDeviceClients(devices);
        multiplexing.open(false);
        try {
            send(devices.get(0), faultMessage(fault, protocol), protocol);

            TestHub.awaitThat(() -> statuses.get(0).contains(IotHubConnectionStatus.DISCONNECTED_RETRYING), RECOVERY,
                    "the faulted device sees its session break: " + statuses.get(0));
            TestHub.awaitThat(() -> statuses.stream().allMatch(seen ->
                    seen.get(seen.size() - 1) == IotHubConnectionStatus.CONNECTED), RECOVERY,
                    "every device connected again: " + statuses);
            if (fault.equals("KillAmqpSession")) {
                assertThat(statuses.subList(1, 3)).as("the devices whose sessions were not dropped")
                        .allSatisfy(seen -> assertThat(seen).containsExactly(IotHubConnectionStatus.CONNECTED));
                assertThat(connectionStatuses).as("the shared connection").doesNotContain(
                        IotHubConnectionStatus.DISCONNECTED_RETRYING);
            }
            for (DeviceClient device : devices) {
                assertThat(sendStatus(device)).isEqualTo(IotHubStatusCode.OK);
            }
        } finally {
            multiplexing.close();
        }
    }

    record Run(int status, List<String> out, List<String> err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = LocalHubCli.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> withDataDirectory = new ArrayList<>(List.of(args));
        withDataDirectory.addAll(List.of("--data-dir", hub.dataDirectory().toString()));
        int status = commandLine.execute(withDataDirectory.toArray(String[]::new));
        return new Run(status, out.toString().lines().toList(), err.toString().lines().toList());
    }

    private static IotHubStatusCode sendStatus(DeviceClient device) throws Exception {
        CompletableFuture<IotHubStatusCode> result = new CompletableFuture<>();
        device.sendEventAsync(new Message("after"), (sent, exception, context) -> result.complete(
                exception == null ? IotHubStatusCode.OK : exception.getStatusCode()), null);
        return result.get(20, TimeUnit.SECONDS);
    }

    private static Message faultMessage(String fault, IotHubClientProtocol protocol) {
        return faultMessage(fault, protocol, 1);
    }

    /** As the SDK's ErrorInjectionHelper builds it. */
    private static Message faultMessage(String fault, IotHubClientProtocol protocol, int durationSeconds) {
        Message message = new Message("fault " + fault);
        message.setProperty("AzIoTHub_FaultOperationType", fault);
        message.setProperty("AzIoTHub_FaultOperationCloseReason", fault.startsWith("ShutDown") ? "byebye" : "Boom");
        message.setProperty("AzIoTHub_FaultOperationDelayInSecs", String.valueOf(DELAY_SECONDS));
        message.setProperty("AzIoTHub_FaultOperationDurationInSecs", String.valueOf(durationSeconds));
        if (protocol == IotHubClientProtocol.MQTT || protocol == IotHubClientProtocol.MQTT_WS) {
            // As the SDK's tests do: IoT Hub does not acknowledge it on MQTT, and it must not be sent again.
            message.setExpiryTime(1000);
        }
        return message;
    }

    /**
     * Sends the fault request: AMQP accepts it (the SDK's tests expect OK); on MQTT no PUBACK comes, and the send
     * ends when the message expires after the reconnect.
     */
    private static void send(DeviceClient device, Message message, IotHubClientProtocol protocol) throws Exception {
        CompletableFuture<IotHubStatusCode> result = new CompletableFuture<>();
        device.sendEventAsync(message, (sent, exception, context) -> result.complete(
                exception == null ? IotHubStatusCode.OK : exception.getStatusCode()), null);
        if (protocol == IotHubClientProtocol.AMQPS || protocol == IotHubClientProtocol.AMQPS_WS) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(IotHubStatusCode.OK);
        }
    }

    /** The device subscribes to methods again after reconnecting; allow it that moment. */
    private static int invokeUntilSubscribedAgain(String deviceId) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        DirectMethodRequestOptions options = DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10)
                .methodConnectTimeoutSeconds(5).build();
        while (true) {
            try {
                return hub.methodsClient("service").invoke(deviceId, "ping", options).getStatus();
            } catch (IotHubNotFoundException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                TestHub.pause(200);
            }
        }
    }

    private record StatusChange(IotHubConnectionStatus status, IotHubConnectionStatusChangeReason reason) {
    }
}
