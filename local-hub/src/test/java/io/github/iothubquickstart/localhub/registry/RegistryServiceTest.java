package io.github.iothubquickstart.localhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RegistryServiceTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final Instant CONNECTED_AT = START.plusSeconds(30);

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(new TestClock(START));
    private final RecordingPresence presence = new RecordingPresence(CONNECTED_AT);
    private final RegistryService service = new RegistryService(registry, presence);

    private DeviceIdentity existing(String deviceId) {
        return registry.createDevice(deviceId);
    }

    private static DeviceUpdate keep(DeviceIdentity identity, boolean enabled, String reason) {
        return new DeviceUpdate(identity.primaryKey(), identity.secondaryKey(), enabled, reason);
    }

    @Test
    void createRegistersTheDeviceWithStatusReasonAndConnectionState() {
        RegisteredDevice created = service.create("dev-1", new DeviceUpdate(null, null, false, "not yet installed"));

        assertThat(created.identity().enabled()).isFalse();
        assertThat(created.identity().statusReason()).isEqualTo("not yet installed");
        assertThat(created.presence().connected()).isTrue();
        assertThat(registry.findDevice("dev-1")).contains(created.identity());
    }

    @Test
    void creatingADeviceThatExistsIs409() {
        DeviceIdentity first = existing("dev-1");

        assertIotHubError(() -> service.create("dev-1", DeviceUpdate.enabledWithGeneratedKeys()), 409, 409001);
        assertThat(registry.findDevice("dev-1")).contains(first);
    }

    @Test
    void anInvalidIdIs400Everywhere() {
        String invalid = "no spaces";
        assertIotHubError(() -> service.create(invalid, DeviceUpdate.enabledWithGeneratedKeys()), 400, 400004);
        assertIotHubError(() -> service.get(invalid), 400, 400004);
        assertIotHubError(() -> service.update(invalid, DeviceUpdate.enabledWithGeneratedKeys(), null), 400, 400004);
        assertIotHubError(() -> service.delete(invalid, null), 400, 400004);
        assertThat(registry.listDevices()).isEmpty();
    }

    @Test
    void anInvalidKeyIs400() {
        assertIotHubError(() -> service.create("dev-1", new DeviceUpdate("c2hvcnQ=", "c2hvcnQ=", true, null)), 400, 400004);
        assertThat(registry.findDevice("dev-1")).isEmpty();
    }

    @Test
    void anUnknownDeviceIs404() {
        assertIotHubError(() -> service.get("nobody"), 404, 404001);
        assertIotHubError(() -> service.update("nobody", DeviceUpdate.enabledWithGeneratedKeys(), null), 404, 404001);
        assertIotHubError(() -> service.delete("nobody", null), 404, 404001);
    }

    @Test
    void disablingADeviceDisconnectsIt() {
        DeviceIdentity device = existing("dev-1");

        RegisteredDevice updated = service.update("dev-1", keep(device, false, "stolen"), device.etag());

        assertThat(updated.identity().enabled()).isFalse();
        assertThat(presence.disconnected()).containsExactly("dev-1");
    }

    @Test
    void newKeysDisconnectTheDevice() {
        existing("dev-1");

        service.update("dev-1", new DeviceUpdate(SymmetricKeys.random(), SymmetricKeys.random(), true, null), null);

        assertThat(presence.disconnected()).containsExactly("dev-1");
    }

    @Test
    void swappedKeysDisconnectTheDevice() {
        DeviceIdentity device = existing("dev-1");

        service.update("dev-1", new DeviceUpdate(device.secondaryKey(), device.primaryKey(), true, null), null);

        assertThat(presence.disconnected()).containsExactly("dev-1");
    }

    @Test
    void anUpdateThatKeepsKeysAndStatusLeavesTheDeviceConnected() {
        DeviceIdentity device = existing("dev-1");

        RegisteredDevice updated = service.update("dev-1", keep(device, true, "maintenance window"), "*");
        service.update("dev-1", new DeviceUpdate(null, null, true, null), null); // no keys given: keep them

        assertThat(updated.identity().statusReason()).isEqualTo("maintenance window");
        assertThat(registry.findDevice("dev-1").orElseThrow().keys()).isEqualTo(device.keys());
        assertThat(presence.disconnected()).isEmpty();
        assertThat(service.get("dev-1").presence().connected()).isTrue();
    }

    @Test
    void deletingADeviceDisconnectsIt() {
        DeviceIdentity device = existing("dev-1");
        existing("dev-2");

        service.delete("dev-1", "\"" + device.etag() + "\"");

        assertThat(registry.findDevice("dev-1")).isEmpty();
        assertThat(registry.findDevice("dev-2")).isPresent();
        assertThat(presence.disconnected()).containsExactly("dev-1");
    }

    @Test
    void aStaleETagIs412AndChangesNothing() {
        DeviceIdentity original = existing("dev-1");
        String stale = original.etag();
        DeviceIdentity current = registry.setEnabled("dev-1", false);
        assertThat(current.etag()).isNotEqualTo(stale);

        assertIotHubError(() -> service.update("dev-1", keep(current, true, null), stale), 412, 412001);
        assertIotHubError(() -> service.delete("dev-1", stale), 412, 412001);

        assertThat(registry.findDevice("dev-1")).contains(current);
        assertThat(presence.disconnected()).isEmpty();
    }

    @Test
    void statisticsCountEnabledAndDisabledDevices() {
        registry.createDevice("on-1");
        registry.createDevice("on-2");
        registry.setEnabled(registry.createDevice("off").deviceId(), false);

        assertThat(service.statistics()).isEqualTo(new DeviceStatistics(3, 2, 1));
    }

    private static void assertIotHubError(ThrowingCallable call, int httpStatus, int errorCode) {
        assertThatThrownBy(call).isInstanceOf(IotHubError.class).satisfies(e -> {
            IotHubError error = (IotHubError) e;
            assertThat(error.httpStatus()).as(error.getMessage()).isEqualTo(httpStatus);
            assertThat(error.errorCode()).as(error.getMessage()).isEqualTo(errorCode);
        });
    }
}
