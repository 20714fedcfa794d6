package io.github.iothubquickstart.localhub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.FakeDeviceConnection;
import io.github.iothubquickstart.localhub.testing.FakeDeviceConnection.DesiredPropertiesSent;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DesiredPropertiesPusherTest {
    private static final JsonObject PATCH = JsonParser.parseString("{\"telemetryInterval\":5}").getAsJsonObject();

    private final Vertx vertx = Vertx.vertx();
    private final ConnectedDevices devices = new ConnectedDevices(vertx, Clock.systemUTC());
    private final DesiredPropertiesPusher pusher = new DesiredPropertiesPusher(devices);

    @AfterEach
    void stopVertx() {
        vertx.close();
    }

    @Test
    void aSubscribedDeviceGetsThePatchWithItsVersion() {
        FakeDeviceConnection connection = new FakeDeviceConnection("dev-1");
        devices.connected(connection).acceptDesiredProperties(true);
        FakeDeviceConnection other = new FakeDeviceConnection("dev-2");
        devices.connected(other).acceptDesiredProperties(true);

        pusher.desiredPropertiesChanged("dev-1", PATCH, 4);

        assertThat(connection.desiredProperties()).containsExactly(new DesiredPropertiesSent(PATCH, 4));
        assertThat(other.desiredProperties()).isEmpty();
    }

    @Test
    void aDeviceNotSubscribedOrNotConnectedGetsNothing() {
        FakeDeviceConnection unsubscribed = new FakeDeviceConnection("dev-1");
        devices.connected(unsubscribed);
        FakeDeviceConnection gone = new FakeDeviceConnection("dev-2");
        ConnectedDevice goneDevice = devices.connected(gone);
        goneDevice.acceptDesiredProperties(true);
        devices.ended(goneDevice);

        pusher.desiredPropertiesChanged("dev-1", PATCH, 2);
        pusher.desiredPropertiesChanged("dev-2", PATCH, 2);
        pusher.desiredPropertiesChanged("dev-3", PATCH, 2);

        assertThat(unsubscribed.desiredProperties()).isEmpty();
        assertThat(gone.desiredProperties()).isEmpty();
    }

    @Test
    void aModulesChangeGoesToThatModuleOnlyAndADevicesChangeNeverToItsModules() {
        FakeDeviceConnection device = new FakeDeviceConnection("dev-1");
        devices.connected(device).acceptDesiredProperties(true);
        FakeDeviceConnection module = new FakeDeviceConnection(IdentityId.module("dev-1", "mod-1"));
        devices.connected(module).acceptDesiredProperties(true);

        pusher.desiredPropertiesChanged(IdentityId.module("dev-1", "mod-1"), PATCH, 3);
        pusher.desiredPropertiesChanged("dev-1", PATCH, 7);

        assertThat(module.desiredProperties()).containsExactly(new DesiredPropertiesSent(PATCH, 3));
        assertThat(device.desiredProperties()).containsExactly(new DesiredPropertiesSent(PATCH, 7));
    }
}
