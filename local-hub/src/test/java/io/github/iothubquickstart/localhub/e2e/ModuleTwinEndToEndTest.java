package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Module twins through the real TwinClient and ModuleClient (on MQTT and on AMQPS): the service reads and patches a
 * module's twin, the module gets the desired change pushed and reports back, and none of it touches the device's own
 * twin.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleTwinEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static TwinClient twins;

    @BeforeAll
    static void setUp() {
        twins = hub.twinClient("service");
    }

    @AfterEach
    void closeClients() {
        hub.closeDevices();
    }

    @Test
    void serviceReadsAModuleTwinWithItsModuleId() throws Exception {
        hub.registerModule("line-1", "counter");

        Twin twin = twins.get("line-1", "counter");

        assertThat(twin.getDeviceId()).isEqualTo("line-1");
        assertThat(twin.getModuleId()).isEqualTo("counter");
        assertThat(twin.getDesiredProperties()).isEmpty();
        assertThat(twin.getETag()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void desiredPatchReachesTheModuleAndItsReportBackReachesTheService(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("line-2", protocol);
        hub.registerModule(deviceId, "counter");
        ModuleClient module = hub.module(deviceId, "counter", protocol);
        module.open(false);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> pushed = new LinkedBlockingQueue<>();
        module.subscribeToDesiredProperties((twin, context) -> pushed.add(twin), null);

        Twin patch = new Twin(deviceId, "counter");
        patch.getDesiredProperties().put("rate", 7);
        Twin patched = twins.patch(patch);

        assertThat(patched.getModuleId()).isEqualTo("counter");
        assertThat(((Number) patched.getDesiredProperties().get("rate")).intValue()).isEqualTo(7);
        var update = pushed.poll(10, TimeUnit.SECONDS);
        assertThat(update).isNotNull();
        assertThat(((Number) update.getDesiredProperties().get("rate")).intValue()).isEqualTo(7);

        TwinCollection reported = new TwinCollection();
        reported.put("count", 42);
        TwinRequests.updateReportedProperties(module, reported);

        assertThat(((Number) twins.get(deviceId, "counter").getReportedProperties().get("count")).intValue()).isEqualTo(42);
        var moduleView = TwinRequests.getTwin(module);
        assertThat(((Number) moduleView.getDesiredProperties().get("rate")).intValue()).isEqualTo(7);
        assertThat(((Number) moduleView.getReportedProperties().get("count")).intValue()).isEqualTo(42);
        // The device's own twin is a different twin.
        Twin deviceTwin = twins.get(deviceId);
        assertThat(deviceTwin.getDesiredProperties()).isEmpty();
        assertThat(deviceTwin.getReportedProperties()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aDevicePatchIsNotPushedToItsModuleNorTheOtherWayRound(IotHubClientProtocol protocol) throws Exception {
        String deviceId = TestHub.idFor("line-3", protocol);
        hub.registerModule(deviceId, "counter");
        ModuleClient module = hub.module(deviceId, "counter", protocol);
        module.open(false);
        LinkedBlockingQueue<Object> toModule = new LinkedBlockingQueue<>();
        module.subscribeToDesiredProperties((twin, context) -> toModule.add(twin), null);
        var device = hub.device(deviceId, protocol);
        device.open(false);
        LinkedBlockingQueue<Object> toDevice = new LinkedBlockingQueue<>();
        device.subscribeToDesiredProperties((twin, context) -> toDevice.add(twin), null);

        Twin devicePatch = new Twin(deviceId);
        devicePatch.getDesiredProperties().put("forDevice", true);
        twins.patch(devicePatch);
        Twin modulePatch = new Twin(deviceId, "counter");
        modulePatch.getDesiredProperties().put("forModule", true);
        twins.patch(modulePatch);

        var deviceUpdate = (com.microsoft.azure.sdk.iot.device.twin.Twin) toDevice.poll(10, TimeUnit.SECONDS);
        var moduleUpdate = (com.microsoft.azure.sdk.iot.device.twin.Twin) toModule.poll(10, TimeUnit.SECONDS);
        assertThat(deviceUpdate.getDesiredProperties().keySet()).containsExactly("forDevice");
        assertThat(moduleUpdate.getDesiredProperties().keySet()).containsExactly("forModule");
        assertThat(toDevice.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(toModule).isEmpty();
    }

    @Test
    void desiredNullOnAModuleTwinRemovesItsDesiredPropertiesAndTellsTheModule() throws Exception {
        String deviceId = TestHub.idFor("line-6", IotHubClientProtocol.MQTT);
        hub.registerModule(deviceId, "counter");
        ModuleClient module = hub.module(deviceId, "counter", IotHubClientProtocol.MQTT);
        module.open(false);
        LinkedBlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> pushed = new LinkedBlockingQueue<>();
        module.subscribeToDesiredProperties((twin, context) -> pushed.add(twin), null);
        Twin patch = new Twin(deviceId, "counter");
        patch.getDesiredProperties().put("rate", 7);
        twins.patch(patch);
        assertThat(pushed.poll(10, TimeUnit.SECONDS)).isNotNull();

        var cleared = new ServiceHttp(hub).patch("/twins/" + deviceId + "/modules/counter",
                "{\"properties\":{\"desired\":null}}", "service");

        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(twins.get(deviceId, "counter").getDesiredProperties()).isEmpty();
        var update = pushed.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("the module is told of the removal").isNotNull();
        assertThat(update.getDesiredProperties()).containsEntry("rate", null);
    }

    @Test
    void twinOfAnUnknownModuleIsModuleNotFound() {
        hub.registerDevice("line-4");

        assertThatThrownBy(() -> twins.get("line-4", "nobody"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404010));
    }

    @Test
    void deletingTheModuleDeletesItsTwin() throws Exception {
        hub.registerModule("line-5", "counter");
        Twin patch = new Twin("line-5", "counter");
        patch.getDesiredProperties().put("rate", 1);
        twins.patch(patch);

        hub.registryClient("registryReadWrite").removeModule("line-5", "counter");
        hub.registerModule("line-5", "counter");

        assertThat(twins.get("line-5", "counter").getDesiredProperties()).isEmpty();
    }
}
