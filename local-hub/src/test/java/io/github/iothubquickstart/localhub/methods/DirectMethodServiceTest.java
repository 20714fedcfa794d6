package io.github.iothubquickstart.localhub.methods;

import static io.github.iothubquickstart.localhub.testing.VertxFutures.await;
import static io.github.iothubquickstart.localhub.testing.VertxFutures.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.FakeDeviceConnection;
import io.github.iothubquickstart.localhub.testing.FakeDeviceConnection.MethodRequestSent;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectMethodServiceTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final int MAX_PER_DEVICE = 2;
    private static final int MAX_IN_ALL = 3;
    private static Vertx vertx;

    private ConnectedDevices devices;
    private DirectMethodService methods;
    private InMemoryDeviceRegistry registry;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    @BeforeEach
    void newHub() {
        registry = new InMemoryDeviceRegistry(Clock.systemUTC());
        registry.createDevice("dev-1");
        registry.createDevice("dev-2");
        devices = new ConnectedDevices(vertx, Clock.systemUTC());
        methods = new DirectMethodService(registry, registry, devices, new PendingMethodCalls(vertx), MAX_PER_DEVICE, MAX_IN_ALL);
    }

    private ConnectedDevice online(FakeDeviceConnection connection) {
        ConnectedDevice device = devices.connected(connection);
        devices.acceptsMethods(device, true);
        return device;
    }

    private static MethodRequest request(String name, Duration responseTimeout, String payload) {
        return new MethodRequest(name, responseTimeout, Duration.ZERO, payload);
    }

    private static MethodResult result(int status, String payloadJson) {
        return new MethodResult(status, JsonParser.parseString(payloadJson));
    }

    @Test
    void theRequestReachesTheDeviceAndItsAnswerCompletesTheCall() throws Exception {
        FakeDeviceConnection one = new FakeDeviceConnection("dev-1");
        FakeDeviceConnection two = new FakeDeviceConnection("dev-2");
        ConnectedDevice device = online(one);
        online(two);

        Future<MethodResult> call = methods.invoke("dev-1", request("SetTelemetryInterval", LONG, "10"));

        MethodRequestSent sent = one.onlyMethodRequest();
        assertThat(sent.methodName()).isEqualTo("SetTelemetryInterval");
        assertThat(sent.payloadJson()).isEqualTo("10");
        assertThat(two.methodRequests()).isEmpty();
        assertThat(call.isComplete()).isFalse();

        assertThat(methods.answer(device, sent.requestId(), result(200, "{\"interval\":10}"))).isTrue();

        MethodResult answer = await(call);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.payload()).isEqualTo(JsonParser.parseString("{\"interval\":10}"));
        assertThat(methods.callsInFlight()).isZero();
    }

    @Test
    void aModulesCallGoesToTheModuleOnlyAndOnlyTheModuleCanAnswerIt() throws Exception {
        registry.createModule("dev-1", "mod-1", null, null, null);
        FakeDeviceConnection deviceConnection = new FakeDeviceConnection("dev-1");
        FakeDeviceConnection moduleConnection = new FakeDeviceConnection(IdentityId.module("dev-1", "mod-1"));
        ConnectedDevice device = online(deviceConnection);
        ConnectedDevice module = online(moduleConnection);

        Future<MethodResult> call = methods.invoke(IdentityId.module("dev-1", "mod-1"), request("read", LONG, "1"));

        assertThat(deviceConnection.methodRequests()).isEmpty();
        String requestId = moduleConnection.onlyMethodRequest().requestId();
        assertThat(methods.answer(device, requestId, result(500, "\"device\""))).isFalse();
        assertThat(methods.answer(module, requestId, result(200, "\"module\""))).isTrue();
        assertThat(await(call).payload().getAsString()).isEqualTo("module");
    }

    @Test
    void aCallToAnUnregisteredModuleIsModuleNotFound() {
        online(new FakeDeviceConnection("dev-1"));

        Future<MethodResult> call = methods.invoke(IdentityId.module("dev-1", "nobody"), request("read", LONG, ""));

        assertIotHubError(call, 404, 404010);
    }

    @Test
    void eachCallHasItsOwnRequestIdAndGetsItsOwnAnswer() throws Exception {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(connection);
        Future<MethodResult> first = methods.invoke("dev-1", request("a", LONG, ""));
        Future<MethodResult> second = methods.invoke("dev-1", request("b", LONG, ""));
        String firstId = connection.methodRequests().get(0).requestId();
        String secondId = connection.methodRequests().get(1).requestId();
        assertThat(firstId).isNotEqualTo(secondId);

        methods.answer(device, secondId, result(202, "\"second\""));
        methods.answer(device, firstId, result(201, "\"first\""));

        assertThat(await(first).status()).isEqualTo(201);
        assertThat(await(second).status()).isEqualTo(202);
    }

    @Test
    void aCallWaitsWithinTheConnectTimeoutForTheDeviceToComeOnline() throws Exception {
        Future<MethodResult> call = methods.invoke("dev-1",
                new MethodRequest("reboot", LONG, Duration.ofSeconds(5), "{}"));
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = devices.connected(connection);
        assertThat(connection.methodRequests()).as("not subscribed to methods yet").isEmpty();

        devices.acceptsMethods(device, true);
        methods.answer(device, connection.onlyMethodRequest().requestId(), result(200, "null"));

        assertThat(await(call).status()).isEqualTo(200);
    }

    @Test
    void anUnknownDeviceIs404001() {
        assertIotHubError(methods.invoke("nobody", request("reboot", LONG, "")), 404, 404001);
    }

    @Test
    void aDeviceNotOnlineWithinTheConnectTimeoutIs404103() {
        devices.connected(new FakeDeviceConnection("dev-1")); // connected, but never subscribed to methods

        Future<MethodResult> call = methods.invoke("dev-1", new MethodRequest("reboot", LONG, SHORT, ""));

        assertThat(call.isComplete()).isFalse();
        assertIotHubError(call, 404, 404103);
        assertThat(methods.callsInFlight()).isZero();
    }

    @Test
    void noAnswerWithinTheResponseTimeoutIs504101AndALateAnswerIsRefused() {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(connection);

        Future<MethodResult> call = methods.invoke("dev-1", request("reboot", SHORT, ""));

        assertIotHubError(call, 504, 504101);
        assertThat(methods.answer(device, connection.onlyMethodRequest().requestId(), result(200, "{}"))).isFalse();
        assertThat(methods.callsInFlight()).isZero();
    }

    @Test
    void anotherDevicesConnectionCannotAnswerTheCall() throws Exception {
        FakeDeviceConnection one = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(one);
        ConnectedDevice intruder = online(new FakeDeviceConnection("dev-2"));
        Future<MethodResult> call = methods.invoke("dev-1", request("reboot", LONG, ""));
        String requestId = one.onlyMethodRequest().requestId();

        assertThat(methods.answer(intruder, requestId, result(200, "\"forged\""))).isFalse();

        assertThat(call.isComplete()).isFalse();
        assertThat(methods.answer(device, requestId, result(200, "\"genuine\""))).isTrue();
        assertThat(await(call).payload().getAsString()).isEqualTo("genuine");
    }

    @Test
    void anEarlierConnectionOfTheSameDeviceCannotAnswerTheCall() throws Exception {
        ConnectedDevice old = online(new FakeDeviceConnection("dev-1"));
        FakeDeviceConnection current = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(current);
        Future<MethodResult> call = methods.invoke("dev-1", request("reboot", LONG, ""));
        String requestId = current.onlyMethodRequest().requestId();

        assertThat(methods.answer(old, requestId, result(200, "{}"))).isFalse();

        assertThat(call.isComplete()).isFalse();
        assertThat(methods.answer(device, requestId, result(200, "{}"))).isTrue();
    }

    @Test
    void theDeviceDisconnectingFailsItsCallsAtOnceWith404103() {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(connection);
        Future<MethodResult> call = methods.invoke("dev-1", request("reboot", LONG, ""));
        Future<MethodResult> otherDevicesCall = methods.invoke("dev-2", new MethodRequest("x", LONG, LONG, ""));

        devices.ended(device);

        // Completed by the disconnection itself, not by the 30 s response timeout.
        assertThat(call.failed()).isTrue();
        assertIotHubError(call, 404, 404103);
        assertThat(otherDevicesCall.isComplete()).isFalse();
        assertThat(methods.answer(device, connection.onlyMethodRequest().requestId(), result(200, "{}"))).isFalse();
    }

    @Test
    void aSecondConnectionOfTheDeviceFailsTheCallsOnTheFirst() {
        online(new FakeDeviceConnection("dev-1"));
        Future<MethodResult> call = methods.invoke("dev-1", request("reboot", LONG, ""));

        online(new FakeDeviceConnection("dev-1"));

        assertThat(call.failed()).isTrue();
        assertIotHubError(call, 404, 404103);
    }

    @Test
    void callsPastThePerDeviceCapAre429001WhileOtherDevicesCanStillBeCalled() {
        online(new FakeDeviceConnection("dev-1"));
        online(new FakeDeviceConnection("dev-2"));
        for (int i = 0; i < MAX_PER_DEVICE; i++) {
            assertThat(methods.invoke("dev-1", request("m", LONG, "")).isComplete()).isFalse();
        }

        Future<MethodResult> refused = methods.invoke("dev-1", request("m", LONG, ""));
        assertThat(refused.failed()).isTrue();
        assertIotHubError(refused, 429, 429001);

        assertThat(methods.invoke("dev-2", request("m", LONG, "")).isComplete()).isFalse();
        assertThat(methods.callsInFlight()).isEqualTo(MAX_PER_DEVICE + 1);
    }

    @Test
    void callsPastTheHubWideCapAre429001() {
        online(new FakeDeviceConnection("dev-1"));
        online(new FakeDeviceConnection("dev-2"));
        methods.invoke("dev-1", request("m", LONG, ""));
        methods.invoke("dev-1", request("m", LONG, ""));
        methods.invoke("dev-2", request("m", LONG, ""));

        Future<MethodResult> refused = methods.invoke("dev-2", request("m", LONG, ""));

        assertIotHubError(refused, 429, 429001);
        assertThat(methods.callsInFlight()).isEqualTo(MAX_IN_ALL);
    }

    @Test
    void slotsAreReleasedAfterSuccessTimeoutAndFailure() throws Exception {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = online(connection);

        // Success.
        Future<MethodResult> answered = methods.invoke("dev-1", request("m", LONG, ""));
        methods.invoke("dev-1", request("m", LONG, ""));
        assertIotHubError(methods.invoke("dev-1", request("m", LONG, "")), 429, 429001);
        methods.answer(device, connection.methodRequests().get(0).requestId(), result(200, "{}"));
        await(answered);
        // Timeout: the freed slot takes a call that then times out.
        assertIotHubError(methods.invoke("dev-1", request("m", SHORT, "")), 504, 504101);
        // Failure: the device leaves, failing its last call.
        devices.ended(device);
        assertThat(methods.callsInFlight()).isZero();
        // Device not online: the wait for it fails and gives its slot back too.
        assertIotHubError(methods.invoke("dev-1", new MethodRequest("m", LONG, SHORT, "")), 404, 404103);
        assertThat(methods.callsInFlight()).isZero();

        FakeDeviceConnection again = new FakeDeviceConnection("dev-1");
        online(again);
        methods.invoke("dev-1", request("m", LONG, ""));
        methods.invoke("dev-1", request("m", LONG, ""));
        assertThat(again.methodRequests()).as("both slots are free again").hasSize(MAX_PER_DEVICE);
    }

    private static void assertIotHubError(Future<?> call, int httpStatus, int errorCode) {
        Throwable failure = awaitFailureUnchecked(call);
        assertThat(failure).isInstanceOf(IotHubError.class);
        IotHubError error = (IotHubError) failure;
        assertThat(error.httpStatus()).as(error.getMessage()).isEqualTo(httpStatus);
        assertThat(error.errorCode()).as(error.getMessage()).isEqualTo(errorCode);
    }

    private static Throwable awaitFailureUnchecked(Future<?> call) {
        try {
            return awaitFailure(call);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
