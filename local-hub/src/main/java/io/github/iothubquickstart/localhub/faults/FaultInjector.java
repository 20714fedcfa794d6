package io.github.iothubquickstart.localhub.faults;

import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's fault injection: a device-to-cloud message carrying {@value FaultRequest#TYPE} breaks the sender's own
 * connection after the delay it asks for, or refuses the sender's telemetry for the duration it asks for, so that
 * users can watch their reconnection and retry logic at work. Only the sender suffers it: a break hits the
 * connection the message came on (not one the device opened since), a refusal that identity's telemetry; every
 * other device keeps going.
 */
public final class FaultInjector {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    /** What a transport does with a telemetry message after {@link #onTelemetry}. */
    public enum Verdict {
        /** An ordinary message (or a break its protocol does not have): stored and acknowledged as telemetry. */
        TELEMETRY,
        /**
         * A request for a break, scheduled: not stored. IoT Hub accepts it on AMQP and does not acknowledge it on
         * MQTT (the Azure SDK's error-injection tests expect both).
         */
        BREAK_SCHEDULED,
        /** A request for a refusal, scheduled: acknowledged, not stored. */
        REFUSAL_SCHEDULED,
        /** Refused: the device is throttled (InvokeThrottling). */
        THROTTLED,
        /** Refused: the hub's daily message quota is used up (InvokeMaxMessageQuota). */
        QUOTA_EXCEEDED,
        /** Refused: the device is not authorized (InvokeAuthError). */
        UNAUTHORIZED
    }

    private record Refusal(FaultType type, Instant from, Instant until) {
        boolean holdsAt(Instant now) {
            return !now.isBefore(from) && now.isBefore(until);
        }
    }

    private final Vertx vertx;
    private final Clock clock;
    private final ConnectedDevices devices;
    /** At most one per identity, the newest asked for; removed once over. */
    private final Map<IdentityId, Refusal> refusals = new ConcurrentHashMap<>();
    /**
     * Connections with a break waiting: one at a time each (the first breaks the connection anyway), so that a
     * device repeating fault messages cannot pile up timers.
     */
    private final Set<DeviceConnection> pendingBreaks = ConcurrentHashMap.newKeySet();

    /** @param vertx its timers wait out the delays */
    public FaultInjector(Vertx vertx, Clock clock, ConnectedDevices devices) {
        this.vertx = vertx;
        this.clock = clock;
        this.devices = devices;
    }

    /**
     * Looks at a message {@code connection} sent: refuses it while a refusal holds for its sender, else schedules the
     * fault it asks for, if any.
     */
    public Verdict onTelemetry(DeviceConnection connection, Map<String, String> applicationProperties) {
        Optional<FaultRequest> request = FaultRequest.from(applicationProperties);
        Verdict refused = refusalOf(connection.identity());
        if (refused != Verdict.TELEMETRY) {
            return refused;
        }
        if (request.isEmpty()) {
            return Verdict.TELEMETRY;
        }
        if (request.get().type().refusesTelemetry()) {
            if (!connection.canSuffer(ConnectionFault.REFUSE_TELEMETRY)) {
                LOG.info("{} asked for fault {}, which its protocol does not have; stored as telemetry", connection,
                        request.get().type().wireName());
                return Verdict.TELEMETRY;
            }
            refuse(connection.identity(), request.get());
            return Verdict.REFUSAL_SCHEDULED;
        }
        if (!connection.canSuffer(request.get().type().connectionFault())) {
            LOG.info("{} asked for fault {}, which its protocol does not have; stored as telemetry", connection,
                    request.get().type().wireName());
            return Verdict.TELEMETRY;
        }
        scheduleBreak(connection, request.get());
        return Verdict.BREAK_SCHEDULED;
    }

    /**
     * The same fault set off from outside (the CLI, the service API) for {@code identity}: a break on its current
     * connection (false when it has none, or its protocol does not have that break), a refusal whether it is
     * connected or not, unless it is connected on a protocol that cannot refuse one message (MQTT).
     */
    public boolean inject(IdentityId identity, FaultRequest request) {
        Optional<DeviceConnection> connection = devices.current(identity).map(device -> device.connection());
        if (request.type().refusesTelemetry()) {
            if (connection.isPresent() && !connection.get().canSuffer(ConnectionFault.REFUSE_TELEMETRY)) {
                return false;
            }
            refuse(identity, request);
            return true;
        }
        if (connection.isEmpty() || !connection.get().canSuffer(request.type().connectionFault())) {
            return false;
        }
        scheduleBreak(connection.get(), request);
        return true;
    }

    private Verdict refusalOf(IdentityId identity) {
        Refusal refusal = refusals.get(identity);
        if (refusal == null) {
            return Verdict.TELEMETRY;
        }
        Instant now = clock.instant();
        if (!now.isBefore(refusal.until())) {
            refusals.remove(identity, refusal);
            return Verdict.TELEMETRY;
        }
        if (!refusal.holdsAt(now)) {
            return Verdict.TELEMETRY;
        }
        return switch (refusal.type()) {
            case INVOKE_THROTTLING -> Verdict.THROTTLED;
            case INVOKE_MAX_MESSAGE_QUOTA -> Verdict.QUOTA_EXCEEDED;
            default -> Verdict.UNAUTHORIZED;
        };
    }

    private void refuse(IdentityId identity, FaultRequest request) {
        Instant from = clock.instant().plus(request.delay());
        LOG.info("Fault {} for {}: its telemetry refused from in {} s for {} s", request.type().wireName(), identity,
                request.delay().toSeconds(), request.duration().toSeconds());
        refusals.put(identity, new Refusal(request.type(), from, from.plus(request.duration())));
    }

    private void scheduleBreak(DeviceConnection connection, FaultRequest request) {
        if (!pendingBreaks.add(connection)) {
            LOG.info("Fault {} on {} ignored: a break is already waiting", request.type().wireName(), connection);
            return;
        }
        LOG.info("Fault {} ({}) on {} in {} s", request.type().wireName(), request.reason(), connection,
                request.delay().toSeconds());
        Runnable fault = () -> {
            pendingBreaks.remove(connection);
            connection.suffer(request.type().connectionFault(), request.reason());
        };
        if (request.delay().isZero()) {
            fault.run();
        } else {
            vertx.setTimer(request.delay().toMillis(), ignored -> fault.run());
        }
    }
}
