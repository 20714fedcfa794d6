package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code start} prints of the Device Provisioning Service, for a hub that cannot serve it on 443 too. */
class ProvisioningBannerTest {
    @TempDir
    Path dataDirectory;

    @Test
    void startPrintsTheProvisioningConnectionStringAndTheIdScopeAndWhen443IsNotServed() {
        String address = LoopbackAddresses.pickFree(8883, 8443, 5671);
        try (LocalHub hub = LocalHub.builder().bindAddress(address).dataDirectory(dataDirectory).httpsPort(0)
                .webSocketPort(0).amqpPort(0).eventHubsPort(0).build().start()) {
            StringWriter printed = new StringWriter();

            ProvisioningBanner.print(hub, new PrintWriter(printed, true));

            assertThat(printed.toString()).isEqualTo(""
                    + "Provisioning service connection string (ProvisioningServiceClient; it connects to port 443, which"
                    + " this hub does not serve: start it with --websocket-port 443):\n"
                    + "  HostName=" + address + ";SharedAccessKeyName=provisioningserviceowner;SharedAccessKey="
                    + hub.provisioningServiceConnectionString().replaceAll(".*SharedAccessKey=", "") + "\n"
                    + "Provisioning ID scope (ProvisioningDeviceClient, global endpoint " + address + "):\n"
                    + "  " + hub.idScope() + "\n");
            assertThat(hub.idScope()).matches("0ne[0-9A-F]{8}");
        }
    }
}
