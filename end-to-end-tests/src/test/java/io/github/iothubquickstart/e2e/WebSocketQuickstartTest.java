package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart with the device on MQTT or AMQP over WebSockets ({@code --protocol MQTT_WS}, {@code AMQPS_WS}), which
 * the Azure device SDK opens on port 443 only: a local hub that may bind 443 serves both, and the back-end changes the
 * device's interval. Where 443 is out of reach the tests are skipped, unless {@code localhub.requireWebSockets=true}
 * (CI) fails them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebSocketQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    Path dataDirectory;

    @Test
    void deviceOnMqttWsGetsItsNewIntervalFromTheBackEnd() throws Exception {
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).build().start()) {
            requireWebSockets(hub);
            IntervalChangeOverProtocol.check(hub, "MQTT_WS", "WebSocketQuickstartTest");
        }
    }

    @Test
    void deviceOnAmqpsWsGetsItsNewIntervalFromTheBackEnd() throws Exception {
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).amqpPort(0)
                .build().start()) {
            requireWebSockets(hub);
            // AMQP port off: AMQPS_WS must come in through 443, not fall back to 5671.
            assertThat(hub.amqpPort()).isZero();
            IntervalChangeOverProtocol.check(hub, "AMQPS_WS", "WebSocketQuickstartTest");
        }
    }

    /** The hub goes on without port 443 where it may not bind it (and logs why); this test needs it. */
    private static void requireWebSockets(LocalHub hub) {
        if (hub.webSocketPort() == 443) {
            return;
        }
        String reason = "the local hub could not listen on " + ADDRESS + ":443 for WebSockets (its warning"
                + " above says why): run as root, or 'sudo sysctl net.ipv4.ip_unprivileged_port_start=443'";
        if (Boolean.getBoolean("localhub.requireWebSockets")) {
            fail(reason + " (localhub.requireWebSockets=true)");
        }
        Assumptions.abort(reason);
    }
}
