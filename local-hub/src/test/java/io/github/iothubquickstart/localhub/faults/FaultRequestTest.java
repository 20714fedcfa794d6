package io.github.iothubquickstart.localhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The application properties of the Azure SDKs' error-injection messages, read as IoT Hub reads them. */
class FaultRequestTest {

    @Test
    void theSdksFaultMessageIsRead() {
        FaultRequest request = FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "KillAmqpD2CLink",
                "AzIoTHub_FaultOperationCloseReason", "Boom", "AzIoTHub_FaultOperationDelayInSecs", "5",
                "AzIoTHub_FaultOperationDurationInSecs", "7")).orElseThrow();

        assertThat(request).isEqualTo(new FaultRequest(FaultType.KILL_AMQP_D2C_LINK, "Boom", Duration.ofSeconds(5),
                Duration.ofSeconds(7)));
    }

    @Test
    void anOrdinaryMessageOrAnUnknownTypeIsNoFault() {
        assertThat(FaultRequest.from(Map.of("temperature", "21"))).isEmpty();
        assertThat(FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "killtcp"))).isEmpty();
        assertThat(FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "KillEverything"))).isEmpty();
    }

    @Test
    void missingOrBadTimesMeanNoneAndLongOnesAreCutToAnHour() {
        assertThat(FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "KillTcp")).orElseThrow())
                .isEqualTo(new FaultRequest(FaultType.KILL_TCP, "KillTcp", Duration.ZERO, Duration.ZERO));
        FaultRequest odd = FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "InvokeThrottling",
                "AzIoTHub_FaultOperationDelayInSecs", "-3", "AzIoTHub_FaultOperationDurationInSecs",
                "99999999999999999999")).orElseThrow();
        assertThat(odd.delay()).isZero();
        assertThat(odd.duration()).isZero();
        FaultRequest longOne = FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "InvokeThrottling",
                "AzIoTHub_FaultOperationDurationInSecs", "86400")).orElseThrow();
        assertThat(longOne.duration()).isEqualTo(FaultRequest.MAX_DELAY);
    }

    @Test
    void aReasonIsMadePrintableAndShort() {
        FaultRequest request = FaultRequest.from(Map.of("AzIoTHub_FaultOperationType", "ShutDownAmqp",
                "AzIoTHub_FaultOperationCloseReason", "bye\nbye" + "x".repeat(500))).orElseThrow();
        assertThat(request.reason()).startsWith("bye?bye").hasSize(128);
    }
}
