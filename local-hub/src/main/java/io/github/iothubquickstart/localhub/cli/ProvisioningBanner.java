package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.LocalHub;
import java.io.PrintWriter;

/** What {@code start} prints of the Device Provisioning Service: its connection string and the ID scope. */
final class ProvisioningBanner {
    private ProvisioningBanner() {
    }

    static void print(LocalHub hub, PrintWriter out) {
        boolean on443 = hub.httpsPort() == 443 || hub.webSocketPort() == 443;
        out.println("Provisioning service connection string (ProvisioningServiceClient; it connects to port 443"
                + (on443 ? "" : ", which this hub does not serve: start it with --websocket-port 443") + "):");
        out.println("  " + hub.provisioningServiceConnectionString());
        out.println("Provisioning ID scope (ProvisioningDeviceClient, global endpoint " + hub.hostName() + "):");
        out.println("  " + hub.idScope());
    }
}
