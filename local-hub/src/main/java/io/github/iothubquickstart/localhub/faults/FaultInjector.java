package io.github.iothubquickstart.localhub.faults;

import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's fault injection: a device-to-cloud message carrying {@value FaultRequest#TYPE} breaks the sender's own
 * connection, after the delay it asks for, so that users can watch their reconnection logic at work. Only the
 * connection the message came on suffers it: a device that reconnected in the meantime, and every other device, keep
 * theirs.
 */
public final class FaultInjector {
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    /** What a transport does with a telemetry message after {@link #onTelemetry}. */
    public enum Outcome {
        /** An ordinary message (or a fault its protocol does not have): stored and acknowledged as telemetry. */
        TELEMETRY,
        /**
         * A fault request, scheduled: not stored. IoT Hub accepts it on AMQP and does not acknowledge it on MQTT
         * (the Azure SDK's error-injection tests expect both).
         */
        FAULT_SCHEDULED
    }

    private final Vertx vertx;
    private final ConnectedDevices devices;

    /** @param vertx its timers wait out the delays */
    public FaultInjector(Vertx vertx, ConnectedDevices devices) {
        this.vertx = vertx;
        this.devices = devices;
    }

    /** Looks at a message {@code connection} sent: schedules the fault it asks for, if any, on that connection. */
    public Outcome onTelemetry(DeviceConnection connection, Map<String, String> applicationProperties) {
        Optional<FaultRequest> request = FaultRequest.from(applicationProperties);
        if (request.isEmpty()) {
            return Outcome.TELEMETRY;
        }
        if (!connection.canSuffer(request.get().type().connectionFault())) {
            LOG.info("{} asked for fault {}, which its protocol does not have; stored as telemetry", connection,
                    request.get().type().wireName());
            return Outcome.TELEMETRY;
        }
        schedule(connection, request.get());
        return Outcome.FAULT_SCHEDULED;
    }

    /**
     * The same fault set off from outside (the CLI, the service API), on the identity's current connection; false
     * when it has none or its protocol does not have that fault.
     */
    public boolean inject(IdentityId identity, FaultRequest request) {
        Optional<DeviceConnection> connection = devices.current(identity).map(device -> device.connection());
        if (connection.isEmpty() || !connection.get().canSuffer(request.type().connectionFault())) {
            return false;
        }
        schedule(connection.get(), request);
        return true;
    }

    private void schedule(DeviceConnection connection, FaultRequest request) {
        LOG.info("Fault {} ({}) on {} in {} s", request.type().wireName(), request.reason(), connection,
                request.delay().toSeconds());
        Runnable fault = () -> connection.suffer(request.type().connectionFault(), request.reason());
        if (request.delay().isZero()) {
            fault.run();
        } else {
            vertx.setTimer(request.delay().toMillis(), ignored -> fault.run());
        }
    }
}
