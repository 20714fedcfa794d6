package io.github.iothubquickstart.localhub.amqp;

import static io.github.iothubquickstart.localhub.amqp.Dispositions.rejected;
import static io.github.iothubquickstart.localhub.amqp.Dispositions.settle;

import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodResult;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.vertx.core.Context;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a granted device sends on its links, handed to the hub's features: telemetry (accepted once stored), answers
 * to direct methods, twin requests. Runs on the connection's event loop.
 */
final class DeviceMessages {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceMessages.class);
    static final String METHOD_STATUS = "IoThub-status";
    /** IoT Hub's condition for a throttled device; the Azure device SDK reports it as THROTTLED. */
    static final Symbol DEVICE_THROTTLED = Symbol.valueOf("com.microsoft:device-container-throttled");

    private final Context context;
    private final Clock clock;
    private final ConnectedDevices devices;
    private final TelemetryFeed telemetry;
    private final FaultInjector faults;
    private final DirectMethodService methods;
    private final AmqpTwinRequests twinRequests;

    DeviceMessages(Context context, Clock clock, ConnectedDevices devices, TelemetryFeed telemetry,
                   FaultInjector faults, DirectMethodService methods, AmqpTwinRequests twinRequests) {
        this.faults = faults;
        this.context = context;
        this.clock = clock;
        this.devices = devices;
        this.telemetry = telemetry;
        this.methods = methods;
        this.twinRequests = twinRequests;
    }

    void telemetry(DeviceGrant grant, ProtonReceiver receiver, ProtonDelivery delivery, Message message) {
        if (!stillGranted(grant, receiver, delivery)) {
            return;
        }
        AmqpTelemetry parsed;
        try {
            parsed = AmqpTelemetry.from(message);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            LOG.info("Rejected a telemetry message of {}: {}", grant.identity(), e.getMessage());
            settle(receiver, delivery, rejected(e.condition(), e.getMessage()));
            return;
        }
        FaultInjector.Verdict verdict = faults.onTelemetry(grant.connection, parsed.applicationProperties());
        switch (verdict) {
            case BREAK_SCHEDULED, REFUSAL_SCHEDULED -> {
                // Accepted, not stored, as IoT Hub does: the SDKs' error-injection tests expect the send to succeed.
                settle(receiver, delivery, Accepted.getInstance());
                return;
            }
            case THROTTLED -> {
                settle(receiver, delivery, rejected(DEVICE_THROTTLED,
                        "ErrorCode:ThrottlingException;The device is throttled (injected fault); try again later."));
                return;
            }
            case QUOTA_EXCEEDED -> {
                settle(receiver, delivery, rejected(AmqpError.RESOURCE_LIMIT_EXCEEDED,
                        "ErrorCode:IotHubQuotaExceeded;The hub's daily message quota is used up (injected fault)."));
                return;
            }
            case UNAUTHORIZED -> {
                settle(receiver, delivery, rejected(AmqpError.UNAUTHORIZED_ACCESS,
                        "ErrorCode:IotHubUnauthorizedAccess;The device is not authorized (injected fault)."));
                return;
            }
            default -> {
            }
        }
        // Accepted only once stored: a device never loses a message the hub has settled.
        telemetry.accept(grant.identity(), grant.generationId, parsed.systemProperties(), parsed.applicationProperties(),
                        parsed.body())
                .whenComplete((stored, failure) -> context.runOnContext(ignored -> {
                    if (failure == null) {
                        settle(receiver, delivery, Accepted.getInstance());
                    } else {
                        LOG.warn("Telemetry of {} could not be stored: {}", grant.identity(), failure.getMessage());
                        settle(receiver, delivery, rejected(AmqpError.INTERNAL_ERROR,
                                "The hub could not store the message; send it again."));
                    }
                }));
    }

    /** An answer to a method request: status in {@code IoThub-status}, request id as correlation id, JSON payload. */
    void methodAnswer(DeviceGrant grant, Message message) {
        if (!grant.validAt(clock.instant().getEpochSecond())) {
            return;
        }
        devices.active(grant.device);
        String requestId = MethodRequestIds.fromCorrelationId(message.getCorrelationId());
        Object status = message.getApplicationProperties() == null || message.getApplicationProperties().getValue() == null
                ? null : message.getApplicationProperties().getValue().get(METHOD_STATUS);
        if (requestId == null || !(status instanceof Integer code)) {
            LOG.info("{} sent a method answer without a request id or an integer {}; ignored", grant.identity(),
                    METHOD_STATUS);
            return;
        }
        String payload;
        try {
            payload = new String(AmqpTelemetry.from(message).body(), StandardCharsets.UTF_8);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            LOG.info("{} sent a method answer the hub cannot read: {}", grant.identity(), e.getMessage());
            return;
        }
        if (!methods.answer(grant.device, requestId, MethodResult.fromDevice(code, payload))) {
            LOG.info("{} answered method request {} that is not waiting (late, or not its own)", grant.identity(),
                    DeviceAddresses.printable(requestId));
        }
    }

    /** Twin requests are answered on the twin link: GET, reported PATCH, and (un)subscribing to desired properties. */
    void twinRequest(DeviceGrant grant, ProtonReceiver receiver, ProtonDelivery delivery, Message message) {
        if (!stillGranted(grant, receiver, delivery)) {
            return;
        }
        AmqpTwinRequests.Request request;
        try {
            request = AmqpTwinRequests.parse(message);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            settle(receiver, delivery, rejected(e.condition(), e.getMessage()));
            return;
        }
        settle(receiver, delivery, Accepted.getInstance());
        LOG.debug("Twin request {} {} from {}", request == null ? "(unknown)" : request.operation(),
                message.getCorrelationId(), grant.identity());
        if (request == null) {
            LOG.info("{} sent a twin request the hub does not know", grant.identity());
            grant.connection.sendOnTwinLink(AmqpTwinRequests.toMessage(message.getCorrelationId(),
                    AmqpTwinRequests.badRequest("A twin request is GET, PATCH of /properties/reported, or PUT or"
                            + " DELETE of /notifications/twin/properties/desired.")));
            return;
        }
        switch (request.operation()) {
            case SUBSCRIBE_DESIRED, UNSUBSCRIBE_DESIRED -> {
                grant.device.acceptDesiredProperties(request.operation() == AmqpTwinRequests.Operation.SUBSCRIBE_DESIRED);
                // The Node SDK waits for this answer (the Java SDK attaches the twin links and sends no such request).
                if (message.getCorrelationId() != null) {
                    grant.connection.sendOnTwinLink(AmqpTwinRequests.toMessage(message.getCorrelationId(),
                            AmqpTwinRequests.subscriptionChanged()));
                }
            }
            case GET, PATCH_REPORTED -> twinRequests.answer(grant.identity(), request, context,
                    grant.connection.twinRequestsInFlight(), grant.connection::sendOnTwinLink);
        }
    }

    /** A message sent after the token expired or the hub dropped the device is rejected, not taken. */
    private boolean stillGranted(DeviceGrant grant, ProtonReceiver receiver, ProtonDelivery delivery) {
        if (!grant.validAt(clock.instant().getEpochSecond())) {
            settle(receiver, delivery, rejected(AmqpError.UNAUTHORIZED_ACCESS,
                    "No valid SAS token for " + grant.identity() + "."));
            return false;
        }
        devices.active(grant.device);
        return true;
    }
}
