package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Modules and module twins in the registry database: kept across opening the file again, apart from the device's own
 * twin, and deleted with their device.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqliteModuleRegistryTest {
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    @TempDir
    Path directory;
    private SqliteDeviceRegistry registry;

    @BeforeEach
    void open() {
        registry = SqliteDeviceRegistry.open(directory.resolve("registry.db"), Clock.systemUTC());
        registry.createDevice("edge");
    }

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void createdModuleSurvivesReopeningTheFile() {
        ModuleIdentity created = registry.createModule("edge", "sensor", KEY_A, KEY_B, "iotEdge");
        registry.close();

        registry = SqliteDeviceRegistry.open(directory.resolve("registry.db"), Clock.systemUTC());

        assertThat(registry.findModule("edge", "sensor")).contains(created);
        assertThat(created.managedBy()).isEqualTo("iotEdge");
    }

    @Test
    void modulesGetRandomKeysWhenNoneAreGiven() {
        ModuleIdentity one = registry.createModule("edge", "one", null, null, null);
        ModuleIdentity two = registry.createModule("edge", "two", null, null, null);

        assertThat(one.keys()).doesNotHaveDuplicates().doesNotContainAnyElementsOf(two.keys());
        assertThat(registry.listModules("edge")).containsExactly(one, two);
    }

    @Test
    void moduleNeedsItsDeviceAndAFreeId() {
        registry.createModule("edge", "sensor", null, null, null);

        assertThatThrownBy(() -> registry.createModule("edge", "sensor", null, null, null))
                .isInstanceOf(ModuleAlreadyExistsException.class);
        assertThatThrownBy(() -> registry.createModule("no-device", "sensor", null, null, null))
                .isInstanceOf(DeviceNotFoundException.class);
        assertThatThrownBy(() -> registry.createModule("edge", "bad/id", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void updateReplacesKeysAndManagedBy() {
        registry.createModule("edge", "sensor", KEY_A, KEY_B, null);

        ModuleIdentity updated = registry.updateModule("edge", "sensor", KEY_B, KEY_A, "someone");

        assertThat(updated.keys()).containsExactly(KEY_B, KEY_A);
        assertThat(registry.findModule("edge", "sensor")).contains(updated);
        assertThatThrownBy(() -> registry.updateModule("edge", "other", KEY_A, KEY_B, null))
                .isInstanceOf(ModuleNotFoundException.class);
    }

    @Test
    void deletingTheDeviceDeletesItsModulesButNotOtherDevicesModules() {
        registry.createDevice("other");
        registry.createModule("edge", "sensor", null, null, null);
        ModuleIdentity kept = registry.createModule("other", "sensor", null, null, null);

        registry.deleteDevice("edge");

        assertThat(registry.findModule("edge", "sensor")).isEmpty();
        assertThat(registry.listModules("other")).containsExactly(kept);
    }

    @Test
    void deleteModuleSaysWhetherThereWasOne() {
        registry.createModule("edge", "sensor", null, null, null);

        assertThat(registry.deleteModule("edge", "sensor")).isTrue();
        assertThat(registry.deleteModule("edge", "sensor")).isFalse();
        assertThat(registry.listModules("edge")).isEmpty();
    }

    @Test
    void moduleTwinIsKeptApartFromTheDeviceTwinAndDeletedWithTheDevice() {
        registry.createModule("edge", "sensor", null, null, null);
        IdentityId module = IdentityId.module("edge", "sensor");
        try (SqliteTwinStore twins = SqliteTwinStore.open(directory.resolve("registry.db"), Clock.systemUTC())) {
            JsonObject desired = new JsonObject();
            desired.addProperty("rate", 7);
            twins.update(module, twin -> new TwinDocument(twin.deviceId(), twin.version() + 1, twin.tags(), desired,
                    twin.desiredVersion() + 1, twin.desiredUpdated(), twin.desiredMetadata(), twin.reported(),
                    twin.reportedVersion(), twin.reportedUpdated(), twin.reportedMetadata()));

            assertThat(twins.load(module).desired().get("rate").getAsInt()).isEqualTo(7);
            assertThat(twins.load("edge").desired().entrySet()).isEmpty();

            registry.deleteDevice("edge");
            registry.createDevice("edge");
            registry.createModule("edge", "sensor", null, null, null);

            assertThat(twins.load(module).desired().entrySet()).isEmpty();
            registry.deleteModule("edge", "sensor");
            assertThatThrownBy(() -> twins.load(module)).isInstanceOf(ModuleNotFoundException.class);
        }
    }
}
