package io.github.iothubquickstart.localhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BulkRegistryOperationsTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(new TestClock(START));
    private final RecordingPresence presence = new RecordingPresence(START);
    private final BulkRegistryOperations bulk = new BulkRegistryOperations(new RegistryService(registry, presence));

    private static BulkDeviceOperation op(String deviceId, ImportMode mode) {
        return new BulkDeviceOperation(deviceId, mode, DeviceUpdate.enabledWithGeneratedKeys(), null);
    }

    @Test
    void everyDeviceIsAppliedAndNoErrorsComeBack() {
        registry.createDevice("old");

        List<BulkDeviceError> errors = bulk.apply(List.of(op("new-1", ImportMode.CREATE), op("new-2", ImportMode.CREATE),
                op("old", ImportMode.DELETE)));

        assertThat(errors).isEmpty();
        assertThat(registry.listDevices()).extracting(DeviceIdentity::deviceId).containsExactly("new-1", "new-2");
        assertThat(presence.disconnected()).containsExactly("old");
    }

    @Test
    void aFailingDeviceDoesNotStopTheOthers() {
        registry.createDevice("taken");

        List<BulkDeviceError> errors = bulk.apply(List.of(op("taken", ImportMode.CREATE), op("fresh", ImportMode.CREATE),
                op("missing", ImportMode.UPDATE), op("bad id!", ImportMode.CREATE)));

        assertThat(errors).extracting(BulkDeviceError::deviceId).containsExactly("taken", "missing", "bad id!");
        assertThat(errors).extracting(e -> e.error().errorCode()).containsExactly(409001, 404001, 400004);
        assertThat(registry.findDevice("fresh")).isPresent();
    }

    @Test
    void ifMatchModesCompareTheETagAndNeedOne() {
        DeviceIdentity device = registry.createDevice("guarded");
        DeviceUpdate disable = new DeviceUpdate(null, null, false, null);

        List<BulkDeviceError> errors = bulk.apply(List.of(
                new BulkDeviceOperation("guarded", ImportMode.UPDATE_IF_MATCH_ETAG, disable, "stale")));
        List<BulkDeviceError> noETag = bulk.apply(List.of(
                new BulkDeviceOperation("guarded", ImportMode.DELETE_IF_MATCH_ETAG, disable, null)));
        List<BulkDeviceError> matching = bulk.apply(List.of(
                new BulkDeviceOperation("guarded", ImportMode.UPDATE_IF_MATCH_ETAG, disable, "\"" + device.etag() + "\"")));

        assertThat(errors).extracting(e -> e.error().errorCode()).containsExactly(412001);
        assertThat(noETag).extracting(e -> e.error().errorCode()).containsExactly(400004);
        assertThat(matching).isEmpty();
        assertThat(registry.findDevice("guarded").orElseThrow().enabled()).isFalse();
        assertThat(presence.disconnected()).containsExactly("guarded");
    }

    @Test
    void moreThanOneHundredDevicesAreRefusedBeforeAnyIsTouched() {
        List<BulkDeviceOperation> many = IntStream.rangeClosed(1, 101).mapToObj(i -> op("d" + i, ImportMode.CREATE)).toList();

        assertThatThrownBy(() -> bulk.apply(many)).isInstanceOfSatisfying(IotHubError.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(413);
            assertThat(e.errorCode()).isEqualTo(413002);
        });
        assertThat(registry.listDevices()).isEmpty();
        assertThat(bulk.apply(many.subList(0, 100))).isEmpty();
    }

    @Test
    void aDeviceNamedTwiceIsRefusedBeforeAnyIsTouched() {
        assertThatThrownBy(() -> bulk.apply(List.of(op("a", ImportMode.CREATE), op("b", ImportMode.CREATE),
                op("a", ImportMode.DELETE)))).isInstanceOfSatisfying(IotHubError.class,
                e -> assertThat(e.errorCode()).isEqualTo(400011));
        assertThat(registry.listDevices()).isEmpty();
    }
}
