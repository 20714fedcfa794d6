package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart with the device on AMQP ({@code --protocol AMQPS}, which the Azure device SDK opens on port 5671
 * only): telemetry reaches the local hub, and the back-end's direct method changes the device's interval.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AmqpQuickstartTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671);

    @TempDir
    Path dataDirectory;

    @Test
    void deviceOnAmqpsGetsItsNewIntervalFromTheBackEnd() throws Exception {
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).webSocketPort(0)
                .build().start()) {
            assertThat(hub.amqpPort()).isEqualTo(5671);
            IntervalChangeOverProtocol.check(hub, "AMQPS", "AmqpQuickstartTest");
        }
    }
}
