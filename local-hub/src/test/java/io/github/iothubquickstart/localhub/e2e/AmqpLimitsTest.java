package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub's caps hold over AMQP as over MQTT: connected devices, and time to authenticate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmqpLimitsTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder()
            .settings(settings -> settings.limits(HubLimits.DEFAULT.withMaxConnectedDevices(1)
                    .withConnectPacketTimeout(Duration.ofSeconds(1))))
            .build();
    static RawAmqpDevices devices;

    @BeforeAll
    static void setUp() {
        devices = new RawAmqpDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void aConnectionThatPutsNoValidTokenInTimeIsClosed() throws Exception {
        try (RawAmqpDevices.Client idle = devices.connect()) {
            ErrorCondition closedWith = idle.closed.get(10, TimeUnit.SECONDS);

            assertThat(closedWith.getCondition().toString()).isEqualTo("amqp:unauthorized-access");
        }
    }

    @Test
    void aDeviceOverTheCapIsTurnedAwayAndADeviceReplacingItsOwnConnectionIsNot() throws Exception {
        DeviceIdentity first = devices.device("amqp-first");
        DeviceIdentity second = devices.device("amqp-second");
        // Each connection puts its token right after connecting: this hub closes one that waits a second.
        try (RawAmqpDevices.Client firstConnection = devices.connect()) {
            assertThat(firstConnection.putToken(devices.audience(first.deviceId()), devices.token(first, 600))).isEqualTo(200);
            RawAmqpDevices.Link oldLink = firstConnection.attachSender("/devices/amqp-first/messages/events");

            try (RawAmqpDevices.Client secondConnection = devices.connect()) {
                assertThat(secondConnection.putToken(devices.audience(second.deviceId()), devices.token(second, 600)))
                        .as("the hub is full").isEqualTo(503);
                assertThat(hub.hub.isDeviceConnected(second.deviceId())).isFalse();
            }
            try (RawAmqpDevices.Client firstAgain = devices.connect()) {
                assertThat(firstAgain.putToken(devices.audience(first.deviceId()), devices.token(first, 600))).isEqualTo(200);
                assertThat(oldLink.closedWith(5_000)).as("the replaced connection's link").isEqualTo("amqp:link:detach-forced");
                assertThat(hub.hub.isDeviceConnected(first.deviceId())).isTrue();
            }
        }
    }
}
