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

class ModuleServiceTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(new TestClock(START));
    private final RecordingPresence presence = new RecordingPresence(START);
    private final ModuleService modules = new ModuleService(registry, registry, presence);
    private final RegistryService devices = new RegistryService(registry, presence);

    ModuleServiceTest() {
        registry.createDevice("dev");
    }

    @Test
    void aModuleOfAMissingDeviceIsDeviceNotFoundAndAMissingModuleIsModuleNotFound() {
        assertIotHubError(() -> modules.create("nobody", "m", new ModuleUpdate(null, null, null)), 404, 404001);
        assertIotHubError(() -> modules.get("dev", "m"), 404, 404010);
        assertIotHubError(() -> modules.list("nobody"), 404, 404001);
    }

    @Test
    void aModuleTwiceIsAConflictAndABadIdIsArgumentInvalid() {
        modules.create("dev", "m", new ModuleUpdate(null, null, null));

        assertIotHubError(() -> modules.create("dev", "m", new ModuleUpdate(null, null, null)), 409, 409301);
        assertIotHubError(() -> modules.create("dev", "a/b", new ModuleUpdate(null, null, null)), 400, 400004);
    }

    @Test
    void newKeysDropTheModulesConnectionButManagedByAloneDoesNot() {
        RegisteredModule created = modules.create("dev", "m", new ModuleUpdate(KEY_A, KEY_B, null));

        modules.update("dev", "m", new ModuleUpdate(null, null, "someone"), created.identity().etag());
        assertThat(presence.disconnected()).isEmpty();
        modules.update("dev", "m", new ModuleUpdate(KEY_B, KEY_A, "someone"), "*");

        assertThat(presence.disconnected()).containsExactly("dev/m");
    }

    @Test
    void aStaleEtagIsPreconditionFailed() {
        RegisteredModule created = modules.create("dev", "m", new ModuleUpdate(null, null, null));
        modules.update("dev", "m", new ModuleUpdate(KEY_A, KEY_B, null), null);

        assertIotHubError(() -> modules.delete("dev", "m", created.identity().etag()), 412, 412001);
    }

    @Test
    void deletingTheModuleDropsItsConnectionAndDeletingOrDisablingTheDeviceDropsAllItsModules() {
        registry.createDevice("other");
        modules.create("dev", "m", new ModuleUpdate(null, null, null));

        modules.delete("dev", "m", null);
        devices.update("other", new DeviceUpdate(null, null, false, null), null);
        devices.delete("dev", null);

        assertThat(presence.disconnected()).contains("dev/m");
        assertThat(presence.modulesDropped()).containsExactly("other", "dev");
    }

    private static void assertIotHubError(ThrowingCallable call, int httpStatus, int errorCode) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IotHubError.class, error -> {
            assertThat(error.httpStatus()).as(error.getMessage()).isEqualTo(httpStatus);
            assertThat(error.errorCode()).as(error.getMessage()).isEqualTo(errorCode);
        });
    }
}
