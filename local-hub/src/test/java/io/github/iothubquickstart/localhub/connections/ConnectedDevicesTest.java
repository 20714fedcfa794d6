package io.github.iothubquickstart.localhub.connections;

import static io.github.iothubquickstart.localhub.testing.VertxFutures.await;
import static io.github.iothubquickstart.localhub.testing.VertxFutures.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.DevicePresence.Presence;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.FakeDeviceConnection;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectedDevicesTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static Vertx vertx;

    private final TestClock clock = new TestClock(START);
    private final List<ConnectedDevice> ended = new CopyOnWriteArrayList<>();
    private ConnectedDevices devices;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    @BeforeEach
    void newDevices() {
        devices = new ConnectedDevices(vertx, clock);
        devices.onConnectionEnded(ended::add);
    }

    @Test
    void aSecondConnectionOfTheSameDeviceReplacesAndClosesTheFirst() {
        FakeDeviceConnection first = new FakeDeviceConnection("dev-1");
        FakeDeviceConnection second = new FakeDeviceConnection("dev-1");
        ConnectedDevice firstDevice = devices.connected(first);

        ConnectedDevice secondDevice = devices.connected(second);

        assertThat(first.closeCount()).isEqualTo(1);
        assertThat(second.closeCount()).isZero();
        assertThat(firstDevice.isOpen()).isFalse();
        assertThat(secondDevice.isOpen()).isTrue();
        assertThat(devices.current("dev-1")).containsSame(secondDevice);
        assertThat(devices.connectedCount()).isEqualTo(1);
        assertThat(ended).containsExactly(firstDevice);
    }

    @Test
    void theEndOfAReplacedConnectionLeavesTheNewOneConnected() {
        ConnectedDevice firstDevice = devices.connected(new FakeDeviceConnection("dev-1"));
        ConnectedDevice secondDevice = devices.connected(new FakeDeviceConnection("dev-1"));

        // The transport reports the old connection's end after the hub closed it.
        devices.ended(firstDevice);

        assertThat(devices.current("dev-1")).containsSame(secondDevice);
        assertThat(devices.presence("dev-1").connected()).isTrue();
    }

    @Test
    void endedIsIdempotentAndTellsListenersOnce() {
        ConnectedDevice device = devices.connected(new FakeDeviceConnection("dev-1"));

        devices.ended(device);
        devices.ended(device);

        assertThat(ended).containsExactly(device);
        assertThat(devices.isConnected("dev-1")).isFalse();
        assertThat(device.isOpen()).isFalse();
        assertThat(device.acceptsMethods()).isFalse();
    }

    @Test
    void awaitMethodsReadyCompletesWhenTheDeviceSubscribesToMethods() throws Exception {
        Future<ConnectedDevice> ready = devices.awaitMethodsReady("dev-1", Duration.ofSeconds(5));
        ConnectedDevice device = devices.connected(new FakeDeviceConnection("dev-1"));
        assertThat(ready.isComplete()).as("connected but not subscribed to methods yet").isFalse();

        devices.acceptsMethods(device, true);

        assertThat(await(ready)).isSameAs(device);
    }

    @Test
    void awaitMethodsReadyCompletesAtOnceWhenTheDeviceIsReady() {
        ConnectedDevice device = devices.connected(new FakeDeviceConnection("dev-1"));
        devices.acceptsMethods(device, true);

        Future<ConnectedDevice> ready = devices.awaitMethodsReady("dev-1", Duration.ofSeconds(5));

        assertThat(ready.succeeded()).isTrue();
        assertThat(ready.result()).isSameAs(device);
    }

    @Test
    void awaitMethodsReadyFailsWithTimeoutWhenTheWaitRunsOut() throws Exception {
        ConnectedDevice device = devices.connected(new FakeDeviceConnection("dev-1"));
        devices.acceptsMethods(device, true);
        devices.acceptsMethods(device, false);

        long started = System.nanoTime();
        Future<ConnectedDevice> ready = devices.awaitMethodsReady("dev-1", Duration.ofMillis(200));
        assertThat(ready.isComplete()).isFalse();

        assertThat(awaitFailure(ready)).isInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    @Test
    void awaitMethodsReadyWithNoTimeFailsAtOnceForADeviceThatIsNotReady() {
        Future<ConnectedDevice> ready = devices.awaitMethodsReady("dev-1", Duration.ZERO);

        assertThat(ready.failed()).isTrue();
        assertThat(ready.cause()).isInstanceOf(TimeoutException.class);
    }

    @Test
    void aReplacedConnectionSubscribingDoesNotWakeWaiters() throws Exception {
        ConnectedDevice old = devices.connected(new FakeDeviceConnection("dev-1"));
        devices.connected(new FakeDeviceConnection("dev-1"));
        Future<ConnectedDevice> ready = devices.awaitMethodsReady("dev-1", Duration.ofMillis(200));

        devices.acceptsMethods(old, true);

        assertThat(awaitFailure(ready)).isInstanceOf(TimeoutException.class);
    }

    @Test
    void presenceTellsConnectionStateSinceWhenAndLastActivity() {
        assertThat(devices.presence("dev-1")).isEqualTo(Presence.UNKNOWN);

        ConnectedDevice device = devices.connected(new FakeDeviceConnection("dev-1"));
        assertThat(devices.presence("dev-1")).isEqualTo(new Presence(true, START, START));

        clock.advance(Duration.ofSeconds(10));
        devices.active(device);
        assertThat(devices.presence("dev-1")).isEqualTo(new Presence(true, START, START.plusSeconds(10)));

        clock.advance(Duration.ofSeconds(5));
        devices.ended(device);
        assertThat(devices.presence("dev-1")).isEqualTo(new Presence(false, START.plusSeconds(15), START.plusSeconds(10)));

        clock.advance(Duration.ofSeconds(5));
        devices.connected(new FakeDeviceConnection("dev-1"));
        assertThat(devices.presence("dev-1"))
                .isEqualTo(new Presence(true, START.plusSeconds(20), START.plusSeconds(20)));
    }

    @Test
    void disconnectClosesTheConnectionAndEndsIt() {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        ConnectedDevice device = devices.connected(connection);
        FakeDeviceConnection other = new FakeDeviceConnection("dev-2");
        devices.connected(other);

        devices.disconnect("dev-1");
        devices.disconnect("never-connected");

        assertThat(connection.closeCount()).isEqualTo(1);
        assertThat(other.closeCount()).isZero();
        assertThat(devices.isConnected("dev-1")).isFalse();
        assertThat(devices.isConnected("dev-2")).isTrue();
        assertThat(ended).containsExactly(device);
    }

    @Test
    void closeAllClosesEveryConnection() {
        FakeDeviceConnection one = new FakeDeviceConnection("dev-1");
        FakeDeviceConnection two = new FakeDeviceConnection("dev-2");
        devices.connected(one);
        devices.connected(two);

        devices.closeAll();

        assertThat(one.closeCount()).isEqualTo(1);
        assertThat(two.closeCount()).isEqualTo(1);
        assertThat(devices.connectedCount()).isZero();
        assertThat(ended).hasSize(2);
        assertThat(devices.presence("dev-2").connected()).isFalse();
    }

    @Test
    void aDeviceAndItsModulesAreSeparateConnectionsAndDeletingTheDeviceDropsTheModules() {
        FakeDeviceConnection device = new FakeDeviceConnection("dev-1");
        FakeDeviceConnection module = new FakeDeviceConnection(IdentityId.module("dev-1", "mod-1"));
        FakeDeviceConnection otherDevicesModule = new FakeDeviceConnection(IdentityId.module("dev-2", "mod-1"));
        devices.connected(device);
        devices.connected(module);
        devices.connected(otherDevicesModule);

        assertThat(device.closeCount()).isZero();
        assertThat(devices.presence("dev-1").connected()).isTrue();
        assertThat(devices.presence(IdentityId.module("dev-1", "mod-1")).connected()).isTrue();

        devices.disconnectModulesOf("dev-1");

        assertThat(module.closeCount()).isEqualTo(1);
        assertThat(device.closeCount()).isZero();
        assertThat(otherDevicesModule.closeCount()).isZero();
        assertThat(devices.isConnected(IdentityId.module("dev-1", "mod-1"))).isFalse();
        assertThat(devices.isConnected("dev-1")).isTrue();
    }
}
