package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Module identities through the real RegistryClient: add, read, list, update, remove, and gone with their device. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModulesEndToEndTest {
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
    }

    @Test
    void addedModuleIsReadBackWithItsKeysAndListedOnItsDevice() throws Exception {
        registry.addDevice(new Device("gateway-1"));
        Module module = new Module("gateway-1", "sensor");
        module.setSymmetricKey(new SymmetricKey());
        module.getSymmetricKey().setPrimaryKey(KEY_A);
        module.getSymmetricKey().setSecondaryKey(KEY_B);

        Module added = registry.addModule(module);
        registry.addModule(new Module("gateway-1", "actuator"));

        assertThat(added.getId()).isEqualTo("sensor");
        assertThat(added.getDeviceId()).isEqualTo("gateway-1");
        assertThat(added.getPrimaryKey()).isEqualTo(KEY_A);
        assertThat(added.getETag()).isNotBlank();
        Module read = registry.getModule("gateway-1", "sensor");
        assertThat(read.getSecondaryKey()).isEqualTo(KEY_B);
        assertThat(read.getETag()).isEqualTo(added.getETag());
        assertThat(read.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(registry.getModulesOnDevice("gateway-1")).extracting(Module::getId)
                .containsExactly("actuator", "sensor");
        assertThat(hub.hub.moduleConnectionString("gateway-1", "sensor"))
                .contains(";DeviceId=gateway-1;ModuleId=sensor;SharedAccessKey=" + KEY_A);
    }

    @Test
    void updatedModuleGetsNewKeysAndANewEtag() throws Exception {
        registry.addDevice(new Device("gateway-2"));
        Module added = registry.addModule(new Module("gateway-2", "sensor"));
        added.getSymmetricKey().setPrimaryKey(KEY_B);
        added.getSymmetricKey().setSecondaryKey(KEY_A);

        Module updated = registry.updateModule(added);

        assertThat(updated.getPrimaryKey()).isEqualTo(KEY_B);
        assertThat(updated.getETag()).isNotEqualTo(added.getETag());
        assertThat(registry.getModule("gateway-2", "sensor").getPrimaryKey()).isEqualTo(KEY_B);
        // The module object still holds the ETag from before the update.
        assertThatThrownBy(() -> registry.removeModule(added)).isInstanceOf(IotHubPreconditionFailedException.class);
    }

    @Test
    void moduleTwiceOnOneDeviceIsAConflictButTheSameIdOnAnotherDeviceIsNot() throws Exception {
        registry.addDevice(new Device("gateway-3"));
        registry.addDevice(new Device("gateway-4"));
        registry.addModule(new Module("gateway-3", "sensor"));

        assertThatThrownBy(() -> registry.addModule(new Module("gateway-3", "sensor")))
                .isInstanceOf(IotHubConflictException.class);
        assertThat(registry.addModule(new Module("gateway-4", "sensor")).getDeviceId()).isEqualTo("gateway-4");
    }

    @Test
    void moduleOfAnUnknownDeviceOrUnknownModuleIsNotFound() {
        assertThatThrownBy(() -> registry.addModule(new Module("no-such-device", "sensor")))
                .isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> registry.getModule("no-such-device", "sensor"))
                .isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> registry.getModulesOnDevice("no-such-device"))
                .isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void removedModuleIsGone() throws Exception {
        registry.addDevice(new Device("gateway-5"));
        registry.addModule(new Module("gateway-5", "sensor"));

        registry.removeModule("gateway-5", "sensor");

        assertThatThrownBy(() -> registry.getModule("gateway-5", "sensor"))
                .isInstanceOf(IotHubNotFoundException.class)
                .hasMessageContaining("no module sensor");
        assertThat(registry.getModulesOnDevice("gateway-5")).isEmpty();
    }

    @Test
    void deletingTheDeviceDeletesItsModules() throws Exception {
        registry.addDevice(new Device("gateway-6"));
        registry.addModule(new Module("gateway-6", "sensor"));

        registry.removeDevice("gateway-6");
        registry.addDevice(new Device("gateway-6"));

        assertThat(registry.getModulesOnDevice("gateway-6")).isEmpty();
        assertThatThrownBy(() -> registry.getModule("gateway-6", "sensor"))
                .isInstanceOf(IotHubNotFoundException.class);
    }
}
