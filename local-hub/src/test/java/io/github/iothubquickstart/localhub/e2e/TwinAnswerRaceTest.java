package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reproduces the device SDK 2.5.0's lost twin answers (docs/sdk-twin-race.md), opt-in: 4 devices each send
 * {@code twin.race.requests / 4} reported-properties updates one after another, through {@link TwinRequests}, which
 * counts the answers the SDK received but never handed over. The hub must answer every one.
 * {@code ./mvnw -B -q -pl local-hub -am verify -Dtest=TwinAnswerRaceTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtwin.race.requests=20000}
 */
@EnabledIfSystemProperty(named = "twin.race.requests", matches = "\\d+")
class TwinAnswerRaceTest {
    private static final int DEVICES = 4;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().forDevices().build();

    @Test
    void theHubAnswersEveryReportedPropertiesUpdate() throws Exception {
        int perDevice = Integer.getInteger("twin.race.requests") / DEVICES;
        int recoveredBefore = TwinRequests.recoveredAnswers();
        ExecutorService devices = Executors.newFixedThreadPool(DEVICES);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                DeviceClient device = hub.device(hub.registerDevice("racer-" + d));
                device.open(false);
                device.subscribeToDesiredProperties((twin, context) -> { }, null);
                runs.add(devices.submit(() -> {
                    for (int i = 0; i < perDevice; i++) {
                        TwinCollection reported = new TwinCollection();
                        reported.put("n", i);
                        TwinRequests.updateReportedProperties(device, reported);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(); // TwinRequests bounds each request: a silent hub fails within 10 s
            }
        } finally {
            devices.shutdownNow();
        }
        int lost = TwinRequests.recoveredAnswers() - recoveredBefore;
        System.out.println("TwinAnswerRaceTest: " + perDevice * DEVICES + " reported-properties updates, all answered"
                + " by the hub; the device SDK lost " + lost + " answer(s) it had received, each read from the received answer");
        assertThat(lost).isLessThan(perDevice * DEVICES);
    }
}
