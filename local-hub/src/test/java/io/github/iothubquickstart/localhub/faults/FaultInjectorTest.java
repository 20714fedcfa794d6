package io.github.iothubquickstart.localhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {
    private final Vertx vertx = Vertx.vertx();
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FaultInjector faults = new FaultInjector(vertx, clock, new ConnectedDevices(vertx, clock));

    @AfterEach
    void closeVertx() {
        vertx.close();
    }

    @Test
    void aDeviceRepeatingFaultMessagesGetsOneBreakAtATime() throws Exception {
        RecordingConnection connection = new RecordingConnection("repeating");

        for (int i = 0; i < 1_000; i++) {
            assertThat(faults.onTelemetry(connection, fault("KillTcp", "0")))
                    .isEqualTo(FaultInjector.Verdict.BREAK_SCHEDULED);
        }
        // Not delayed: suffered at once, so the next request may schedule again.
        assertThat(connection.suffered).hasSize(1_000);

        for (int i = 0; i < 1_000; i++) {
            faults.onTelemetry(connection, fault("KillTcp", "1"));
        }
        Thread.sleep(1_500);
        assertThat(connection.suffered).hasSize(1_001);
    }

    @Test
    void aRefusalAskedForOnAConnectionThatCannotRefuseAMessageIsOrdinaryTelemetry() {
        RecordingConnection mqttLike = new RecordingConnection("mqtt-like", false);
        Map<String, String> throttle = Map.of("AzIoTHub_FaultOperationType", "InvokeThrottling",
                "AzIoTHub_FaultOperationDelayInSecs", "0", "AzIoTHub_FaultOperationDurationInSecs", "5");

        assertThat(faults.onTelemetry(mqttLike, throttle)).isEqualTo(FaultInjector.Verdict.TELEMETRY);
        clock.advance(Duration.ofSeconds(1));
        assertThat(faults.onTelemetry(mqttLike, Map.of())).isEqualTo(FaultInjector.Verdict.TELEMETRY);
        assertThat(mqttLike.suffered).isEmpty();
    }

    @Test
    void aRefusalHoldsFromTheDelayForTheDurationForItsIdentityOnly() {
        RecordingConnection refused = new RecordingConnection("refused");
        RecordingConnection other = new RecordingConnection("other");
        Map<String, String> throttle = Map.of("AzIoTHub_FaultOperationType", "InvokeThrottling",
                "AzIoTHub_FaultOperationDelayInSecs", "2", "AzIoTHub_FaultOperationDurationInSecs", "5");

        assertThat(faults.onTelemetry(refused, throttle)).isEqualTo(FaultInjector.Verdict.REFUSAL_SCHEDULED);
        assertThat(faults.onTelemetry(refused, Map.of())).isEqualTo(FaultInjector.Verdict.TELEMETRY);
        clock.advance(Duration.ofSeconds(2));
        assertThat(faults.onTelemetry(refused, Map.of())).isEqualTo(FaultInjector.Verdict.THROTTLED);
        assertThat(faults.onTelemetry(other, Map.of())).isEqualTo(FaultInjector.Verdict.TELEMETRY);
        clock.advance(Duration.ofMillis(4_999));
        assertThat(faults.onTelemetry(refused, Map.of())).isEqualTo(FaultInjector.Verdict.THROTTLED);
        clock.advance(Duration.ofMillis(1));
        assertThat(faults.onTelemetry(refused, Map.of())).isEqualTo(FaultInjector.Verdict.TELEMETRY);
    }

    @Test
    void aBreakItsProtocolDoesNotHaveIsTelemetry() {
        RecordingConnection connection = new RecordingConnection("mqtt-like");

        assertThat(faults.onTelemetry(connection, fault("ShutDownAmqp", "0")))
                .isEqualTo(FaultInjector.Verdict.TELEMETRY);
        assertThat(connection.suffered).isEmpty();
    }

    private static Map<String, String> fault(String type, String delay) {
        return Map.of("AzIoTHub_FaultOperationType", type, "AzIoTHub_FaultOperationDelayInSecs", delay);
    }

    /** Suffers KillTcp only, as an MQTT connection would, and records it. */
    private static final class RecordingConnection implements DeviceConnection {
        final List<ConnectionFault> suffered = new CopyOnWriteArrayList<>();
        private final String deviceId;

        private final boolean refusesMessages;

        /** As an AMQP connection: it can refuse one message. */
        RecordingConnection(String deviceId) {
            this(deviceId, true);
        }

        RecordingConnection(String deviceId, boolean refusesMessages) {
            this.deviceId = deviceId;
            this.refusesMessages = refusesMessages;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        public IdentityId identity() {
            return IdentityId.device(deviceId);
        }

        @Override
        public void sendMethodRequest(String requestId, String methodName, String payloadJson) {
        }

        @Override
        public void sendDesiredProperties(JsonObject patch, long version) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean canSuffer(ConnectionFault fault) {
            return fault == ConnectionFault.KILL_TCP || (refusesMessages && fault == ConnectionFault.REFUSE_TELEMETRY);
        }

        @Override
        public void suffer(ConnectionFault fault, String reason) {
            suffered.add(fault);
        }
    }
}
