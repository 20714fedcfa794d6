package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.e2e.TestHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@code start} prints of the Device Provisioning Service, for a hub that cannot serve it on 443 too. */
class ProvisioningBannerTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.amqpPort(0).eventHubsPort(0)).build();

    @Test
    void startPrintsTheProvisioningConnectionStringAndTheIdScopeAndWhen443IsNotServed() {
        StringWriter printed = new StringWriter();

        ProvisioningBanner.print(hub.hub, new PrintWriter(printed, true));

        assertThat(printed.toString()).isEqualTo(""
                + "Provisioning service connection string (ProvisioningServiceClient; it connects to port 443, which"
                + " this hub does not serve: start it with --websocket-port 443):\n"
                + "  HostName=" + hub.address() + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                + hub.hub.provisioningServiceConnectionString().replaceAll(".*SharedAccessKey=", "") + "\n"
                + "Provisioning ID scope (ProvisioningDeviceClient, global endpoint " + hub.address() + "):\n"
                + "  " + hub.hub.idScope() + "\n");
        assertThat(hub.hub.idScope()).matches("0ne[0-9A-F]{8}");
    }
}
