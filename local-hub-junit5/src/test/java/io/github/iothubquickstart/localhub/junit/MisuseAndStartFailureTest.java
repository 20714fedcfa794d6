package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * What a user sees when the hub cannot start or the extension is declared wrong: the test class fails with one
 * message that says why and what to do, and none of its tests run. Each case runs a small test class through the
 * JUnit engine, as a build would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MisuseAndStartFailureTest {
    /** What {@link LoopbackAddresses#pickFree} throws on macOS, where only 127.0.0.1 exists without aliases. */
    static final String ONLY_127_0_0_1 = "This machine only has 127.0.0.1 for loopback (127.4.5.6: Can't assign"
            + " requested address), so each local hub cannot get an address of its own. On macOS add aliases once:"
            + " for i in $(seq 2 254); do sudo ifconfig lo0 alias 127.0.0.$i up; done";

    @Test
    void machineWithoutLoopbackAliasesFailsTheClassSayingHowToAddThem() {
        EngineExecutionResults events = run(WithoutLoopbackAliases.class);

        assertThat(events.testEvents().started().count()).as("tests that ran").isZero();
        assertThat(failureMessages(events)).containsExactly("The local IoT hub for " + WithoutLoopbackAliases.class.getName()
                + " cannot start: " + ONLY_127_0_0_1);
    }

    @Test
    void addressWhoseMqttPortIsTakenFailsTheClassNamingThePort(@TempDir Path otherHubData) {
        String address = LoopbackAddresses.pickFree(LocalHub.DEFAULT_MQTT_PORT);
        try (LocalHub other = LocalHub.builder().bindAddress(address).dataDirectory(otherHubData).httpsPort(0).build()
                .start()) {
            TakenAddress.address = address;

            EngineExecutionResults events = run(TakenAddress.class);

            assertThat(events.testEvents().started().count()).as("tests that ran").isZero();
            assertThat(failureMessages(events)).singleElement().asString()
                    .startsWith("The local IoT hub for " + TakenAddress.class.getName() + " cannot start: MQTT port "
                            + address + ":8883 is already in use");
        }
    }

    @Test
    void nonStaticFieldFailsEachTestSayingToMakeItStatic() {
        EngineExecutionResults events = run(NonStaticField.class);

        assertThat(failureMessages(events)).containsExactly("Declare the @RegisterExtension LocalIotHubExtension"
                + " field static: its hub starts once before the test class and stops after it.");
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .selectors(selectClass(testClass))
                .execute();
    }

    private static List<String> failureMessages(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage())
                .toList();
    }

    // The classes below run only through run(...): their names do not end in "Test", so the build skips them.

    static class WithoutLoopbackAliases {
        @RegisterExtension
        static LocalIotHubExtension hub = LocalIotHubExtension.builder()
                .addressPicker(() -> {
                    throw new IllegalStateException(ONLY_127_0_0_1);
                })
                .build();

        @Test
        void neverRuns() {
        }
    }

    static class TakenAddress {
        static volatile String address;

        @RegisterExtension
        static LocalIotHubExtension hub = LocalIotHubExtension.builder().addressPicker(() -> address).build();

        @Test
        void neverRuns() {
        }
    }

    static class NonStaticField {
        @RegisterExtension
        LocalIotHubExtension hub = LocalIotHubExtension.create();

        @Test
        void failsBeforeItRuns() {
        }
    }
}
