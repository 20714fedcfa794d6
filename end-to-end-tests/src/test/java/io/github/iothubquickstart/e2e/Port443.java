package io.github.iothubquickstart.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.iothubquickstart.localhub.LocalHub;
import org.junit.jupiter.api.Assumptions;

/** Port 443, the Azure device SDK's only HTTPS port: tests that need it skip (or fail in CI) where it is not bound. */
final class Port443 {
    private Port443() {
    }

    static void require(LocalHub hub, String address) {
        if (hub.webSocketPort() == 443) {
            return;
        }
        String reason = "the local hub could not listen on " + address + ":443, the Azure device SDK's only HTTPS"
                + " port (its warning above says why): run as root, or"
                + " 'sudo sysctl net.ipv4.ip_unprivileged_port_start=443'";
        if (Boolean.getBoolean("localhub.requireWebSockets")) {
            fail(reason + " (localhub.requireWebSockets=true)");
        }
        Assumptions.abort(reason);
    }
}
