package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Devices and twins survive a restart: a new hub on the same data directory serves what the old one stored. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwinPersistenceTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void devicesAndTwinsAreThereAfterARestart() throws Exception {
        Device created = hub.registryClient("registryReadWrite").addDevice(new Device("survivor"));
        DeviceClient device = hub.device("survivor");
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> { }, null);
        TwinCollection reported = new TwinCollection();
        reported.put("telemetryInterval", 4);
        TwinRequests.updateReportedProperties(device, reported);
        Twin patch = new Twin("survivor");
        patch.getDesiredProperties().put("telemetryInterval", 9);
        patch.getTags().put("room", "42");
        hub.twinClient("service").patch(patch);
        Twin before = hub.twinClient("service").get("survivor");

        hub.restart();

        Device read = hub.registryClient("registryRead").getDevice("survivor");
        assertThat(read.getPrimaryKey()).isEqualTo(created.getPrimaryKey());
        assertThat(read.getETag()).isEqualTo(created.getETag());
        Twin after = hub.twinClient("service").get("survivor");
        assertThat(after.getETag()).isEqualTo(before.getETag());
        assertThat(after.getVersion()).isEqualTo(before.getVersion());
        assertThat(after.getDesiredProperties().get("telemetryInterval")).isEqualTo(9L);
        assertThat(after.getDesiredProperties().getVersion()).isEqualTo(before.getDesiredProperties().getVersion());
        assertThat(after.getReportedProperties().get("telemetryInterval")).isEqualTo(4L);
        assertThat(after.getTags().get("room")).isEqualTo("42");
        assertThat(after.getDesiredProperties().getTwinMetadata("telemetryInterval").toString())
                .isEqualTo(before.getDesiredProperties().getTwinMetadata("telemetryInterval").toString());
        assertThat(after.getReportedProperties().getTwinMetadata("telemetryInterval").getLastUpdated())
                .isEqualTo(before.getReportedProperties().getTwinMetadata("telemetryInterval").getLastUpdated());

        DeviceClient reconnected = hub.device("survivor");
        reconnected.open(false);
        reconnected.subscribeToDesiredProperties((twin, context) -> { }, null);
        assertThat(TwinRequests.getTwin(reconnected).getDesiredProperties().get("telemetryInterval")).isEqualTo(9L);
    }
}
