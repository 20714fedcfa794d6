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
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(new TestClock(START));
    private final RecordingPresence presence = new RecordingPresence(START);
    private final BulkRegistryOperations bulk = new BulkRegistryOperations(new RegistryService(registry, presence),
            new ModuleService(registry, registry, presence));

    private static BulkDeviceOperation op(String deviceId, ImportMode mode) {
        return new BulkDeviceOperation(deviceId, mode, DeviceUpdate.enabledWithGeneratedKeys(), null);
    }

    private static BulkModuleOperation module(String deviceId, String moduleId, ImportMode mode) {
        return new BulkModuleOperation(deviceId, moduleId, mode, new ModuleUpdate(null, null, null), null);
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

    @Test
    void aDeviceAndItsModulesInOneCallAreCreatedInRequestOrderWithTheirKeys() {
        List<BulkDeviceError> errors = bulk.apply(List.of(op("edge", ImportMode.CREATE),
                new BulkModuleOperation("edge", "given", ImportMode.CREATE, new ModuleUpdate(KEY_A, KEY_B, "IotEdge"),
                        null),
                module("edge", "generated", ImportMode.CREATE)));

        assertThat(errors).isEmpty();
        ModuleIdentity given = registry.findModule("edge", "given").orElseThrow();
        assertThat(given.primaryKey()).isEqualTo(KEY_A);
        assertThat(given.secondaryKey()).isEqualTo(KEY_B);
        assertThat(given.managedBy()).isEqualTo("IotEdge");
        ModuleIdentity generated = registry.findModule("edge", "generated").orElseThrow();
        assertThat(generated.primaryKey()).isNotBlank().isNotEqualTo(generated.secondaryKey());
        assertThat(generated.managedBy()).isNull();
    }

    @Test
    void eachModuleFailsOnItsOwnWithIotHubsCodeAndItsModuleId() {
        registry.createDevice("dev");
        ModuleIdentity guarded = registry.createModule("dev", "guarded", null, null, null);
        registry.createModule("dev", "taken", null, null, null);
        registry.updateModule("dev", "guarded", KEY_A, KEY_B, null);

        List<BulkDeviceError> errors = bulk.apply(List.of(module("nobody", "m", ImportMode.CREATE),
                module("dev", "taken", ImportMode.CREATE), module("dev", "missing", ImportMode.UPDATE),
                module("dev", "gone", ImportMode.DELETE),
                new BulkModuleOperation("dev", "guarded", ImportMode.DELETE_IF_MATCH_ETAG,
                        new ModuleUpdate(null, null, null), guarded.etag()),
                module("dev", "no-etag", ImportMode.UPDATE_IF_MATCH_ETAG),
                module("dev", "bad id!", ImportMode.CREATE), module("dev", "fresh", ImportMode.CREATE)));

        assertThat(errors).extracting(e -> e.deviceId() + "/" + e.moduleId() + ":" + e.error().errorCode())
                .containsExactly("nobody/m:404001", "dev/taken:409301", "dev/missing:404010", "dev/gone:404010",
                        "dev/guarded:412001", "dev/no-etag:400004", "dev/bad id!:400004");
        assertThat(registry.findModule("dev", "guarded")).isPresent();
        assertThat(registry.findModule("dev", "fresh")).isPresent();
    }

    @Test
    void aModuleDeletedOrReKeyedLosesItsConnectionAndOneOnlyReassignedKeepsIt() {
        registry.createDevice("dev");
        ModuleIdentity doomed = registry.createModule("dev", "doomed", null, null, null);
        registry.createModule("dev", "rekeyed", null, null, null);
        registry.createModule("dev", "reassigned", null, null, null);

        List<BulkDeviceError> errors = bulk.apply(List.of(
                new BulkModuleOperation("dev", "doomed", ImportMode.DELETE_IF_MATCH_ETAG,
                        new ModuleUpdate(null, null, null), "\"" + doomed.etag() + "\""),
                new BulkModuleOperation("dev", "rekeyed", ImportMode.UPDATE, new ModuleUpdate(KEY_A, KEY_B, null), null),
                new BulkModuleOperation("dev", "reassigned", ImportMode.UPDATE, new ModuleUpdate(null, null, "x"), null)));

        assertThat(errors).isEmpty();
        assertThat(registry.findModule("dev", "doomed")).isEmpty();
        assertThat(registry.findModule("dev", "rekeyed").orElseThrow().primaryKey()).isEqualTo(KEY_A);
        assertThat(registry.findModule("dev", "reassigned").orElseThrow().managedBy()).isEqualTo("x");
        assertThat(presence.disconnected()).containsExactly("dev/doomed", "dev/rekeyed");
    }

    @Test
    void aModuleIsNamedByItsDeviceAndModuleIdAndTwiceIsRefusedWhole() {
        assertThat(bulk.apply(List.of(op("a", ImportMode.CREATE), module("a", "m", ImportMode.CREATE),
                module("a", "n", ImportMode.CREATE)))).isEmpty();

        assertThatThrownBy(() -> bulk.apply(List.of(module("a", "o", ImportMode.CREATE),
                module("a", "m", ImportMode.DELETE), module("a", "o", ImportMode.UPDATE))))
                .isInstanceOfSatisfying(IotHubError.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(400011);
                    assertThat(e.getMessage()).contains("Module o of device a");
                });
        assertThat(registry.findModule("a", "m")).isPresent();
        assertThat(registry.findModule("a", "o")).isEmpty();
    }

    @Test
    void modulesCountTowardsTheHundredEntries() {
        List<BulkRegistryEntry> deviceAndModules = new java.util.ArrayList<>(List.of(op("many", ImportMode.CREATE)));
        IntStream.rangeClosed(1, 100).forEach(i -> deviceAndModules.add(module("many", "m" + i, ImportMode.CREATE)));

        assertThatThrownBy(() -> bulk.apply(deviceAndModules)).isInstanceOfSatisfying(IotHubError.class,
                e -> assertThat(e.errorCode()).isEqualTo(413002));
        assertThat(registry.findDevice("many")).isEmpty();
        assertThat(bulk.apply(deviceAndModules.subList(0, 100))).isEmpty();
        assertThat(registry.listModules("many")).hasSize(99);
    }
}
