package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodResult;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection from a client: the $cbs node its tokens arrive on, the devices those tokens grant (several when
 * the SDK multiplexes) until each token expires, and the links each device opened. Everything here runs on the
 * connection's event loop.
 */
final class AmqpClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpClientConnection.class);
    static final String METHOD_STATUS = "IoThub-status";
    /** A put-token is a few hundred bytes; nothing on $cbs needs more. */
    private static final long MAX_CBS_MESSAGE_BYTES = 16 * 1024;
    /** IoT Hub's 256 KB body plus room for properties; larger deliveries detach the link. */
    private static final long MAX_TELEMETRY_MESSAGE_BYTES = AmqpTelemetry.MAX_BODY_BYTES + 16 * 1024;
    /** Vert.x timers take at most this; a token valid for longer is checked again then. */
    private static final long MAX_TIMER_MILLIS = Duration.ofDays(1).toMillis();

    private final ProtonConnection connection;
    private final Vertx vertx;
    private final Context context;
    private final Clock clock;
    private final ClaimsBasedSecurity security;
    private final ConnectedDevices devices;
    private final TelemetryFeed telemetry;
    private final DirectMethodService methods;
    private final AmqpTwinRequests twinRequests;
    private final int maxConnectedDevices;
    private final Map<String, DeviceGrant> grants = new HashMap<>();
    private ProtonSender cbsReplies;
    private long authenticationTimer;
    private boolean ended;

    /** A device this connection may act as: its record in the hub, its links, and when its token expires. */
    private static final class DeviceGrant {
        final AmqpDeviceConnection connection;
        final ConnectedDevice device;
        long expiresAtEpochSecond;
        long expiryTimer = -1;

        DeviceGrant(AmqpDeviceConnection connection, ConnectedDevice device, long expiresAtEpochSecond) {
            this.connection = connection;
            this.device = device;
            this.expiresAtEpochSecond = expiresAtEpochSecond;
        }
    }

    AmqpClientConnection(ProtonConnection connection, Vertx vertx, Context context, Clock clock,
                         ClaimsBasedSecurity security, ConnectedDevices devices, TelemetryFeed telemetry,
                         DirectMethodService methods, AmqpTwinRequests twinRequests, int maxConnectedDevices) {
        this.connection = connection;
        this.vertx = vertx;
        this.context = context;
        this.clock = clock;
        this.security = security;
        this.devices = devices;
        this.telemetry = telemetry;
        this.methods = methods;
        this.twinRequests = twinRequests;
        this.maxConnectedDevices = maxConnectedDevices;
    }

    /** Opens the connection's handlers; a client that puts no valid token within {@code authenticationTimeout} is closed. */
    void start(String containerId, Duration authenticationTimeout) {
        connection.openHandler(opened -> {
            connection.setContainer(containerId);
            connection.open();
        });
        connection.closeHandler(closed -> {
            end();
            connection.close();
            connection.disconnect();
        });
        connection.disconnectHandler(gone -> {
            end();
            gone.disconnect();
        });
        connection.sessionOpenHandler(session -> {
            session.closeHandler(closed -> session.close());
            session.open();
        });
        connection.receiverOpenHandler(receiver -> guarded(() -> onDeviceSends(receiver)));
        connection.senderOpenHandler(sender -> guarded(() -> onDeviceReceives(sender)));
        authenticationTimer = vertx.setTimer(Math.max(1, authenticationTimeout.toMillis()), fired -> {
            if (grants.isEmpty() && !ended) {
                LOG.info("Closing AMQP connection from {}: no valid SAS token within {} s", who(),
                        authenticationTimeout.toSeconds());
                closeConnection(AmqpError.UNAUTHORIZED_ACCESS, "No valid SAS token was put on $cbs in time.");
            }
        });
    }

    /** A handler that throws must not leave the connection half-handled: it is closed, the hub goes on. */
    private void guarded(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            LOG.warn("Closing AMQP connection from {} after an unexpected error", who(), e);
            closeConnection(AmqpError.INTERNAL_ERROR, "The hub could not handle this connection's last request.");
        }
    }

    /** A link on which the device sends: to $cbs or to one of its device nodes. */
    private void onDeviceSends(ProtonReceiver receiver) {
        String address = receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress();
        if (DeviceAddresses.CBS.equals(address)) {
            receiver.setTarget(receiver.getRemoteTarget());
            receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_CBS_MESSAGE_BYTES));
            receiver.handler((delivery, message) -> guarded(() -> onPutToken(message)));
            keepClosedWithPeer(receiver, null);
            receiver.open();
            return;
        }
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.FROM_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            refuse(receiver, address, decision);
            return;
        }
        DeviceGrant grant = grants.get(decision.address().deviceId());
        String deviceId = decision.address().deviceId();
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_TELEMETRY_MESSAGE_BYTES));
        if (decision.address().node() == DeviceAddresses.Node.METHODS) {
            receiver.handler((delivery, message) -> guarded(() -> onMethodAnswer(deviceId, message)));
        } else if (decision.address().node() == DeviceAddresses.Node.TWIN) {
            receiver.setAutoAccept(false);
            receiver.handler((delivery, message) -> guarded(() -> onTwinRequest(deviceId, receiver, delivery, message)));
        } else {
            receiver.setAutoAccept(false);
            receiver.handler((delivery, message) -> guarded(() -> onTelemetry(deviceId, receiver, delivery, message)));
        }
        keepClosedWithPeer(receiver, grant.connection);
        grant.connection.add(receiver);
        receiver.open();
        LOG.debug("Device {} opened its {} link", deviceId, decision.address().node());
    }

    /** A link on which the device receives: $cbs answers, method requests, or cloud-to-device (none sent yet). */
    private void onDeviceReceives(ProtonSender sender) {
        String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
        if (DeviceAddresses.CBS.equals(address)) {
            sender.setSource(sender.getRemoteSource());
            sender.setQoS(ProtonQoS.AT_MOST_ONCE);
            keepClosedWithPeer(sender, null);
            sender.open();
            cbsReplies = sender;
            return;
        }
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.TO_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            refuse(sender, address, decision);
            return;
        }
        DeviceGrant grant = grants.get(decision.address().deviceId());
        sender.setSource(sender.getRemoteSource());
        keepClosedWithPeer(sender, grant.connection);
        grant.connection.add(sender);
        if (decision.address().node() == DeviceAddresses.Node.METHODS) {
            // Method requests go as IoT Hub sends them over MQTT too: once, settled, no redelivery.
            sender.setQoS(ProtonQoS.AT_MOST_ONCE);
            grant.connection.methodRequests(sender);
            sender.closeHandler(closed -> {
                stopMethods(grant, sender);
                sender.close();
            });
            sender.detachHandler(detached -> {
                stopMethods(grant, sender);
                sender.detach();
            });
            sender.open();
            devices.acceptsMethods(grant.device, true);
            return;
        }
        if (decision.address().node() == DeviceAddresses.Node.TWIN) {
            sender.setQoS(ProtonQoS.AT_MOST_ONCE);
            grant.connection.twin(sender);
            sender.closeHandler(closed -> {
                stopTwin(grant, sender);
                sender.close();
            });
            sender.detachHandler(detached -> {
                stopTwin(grant, sender);
                sender.detach();
            });
        }
        sender.open();
    }

    private void stopTwin(DeviceGrant grant, ProtonSender sender) {
        grant.connection.remove(sender);
        if (grant.connection.sendsTwinOn(sender)) {
            grant.connection.twin(null);
            grant.device.acceptDesiredProperties(false);
        }
    }

    /** Twin GET and reported PATCH are answered on the twin link; (un)subscribing to desired properties is not. */
    private void onTwinRequest(String deviceId, ProtonReceiver receiver, ProtonDelivery delivery, Message message) {
        DeviceGrant grant = grants.get(deviceId);
        if (grant == null) {
            settle(receiver, delivery, rejected(AmqpError.UNAUTHORIZED_ACCESS, "No valid SAS token for " + deviceId + "."));
            return;
        }
        devices.active(grant.device);
        AmqpTwinRequests.Request request;
        try {
            request = AmqpTwinRequests.parse(message);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            settle(receiver, delivery, rejected(e.condition(), e.getMessage()));
            return;
        }
        settle(receiver, delivery, Accepted.getInstance());
        if (request == null) {
            LOG.info("Device {} sent a twin request the hub does not know", deviceId);
            grant.connection.sendOnTwinLink(AmqpTwinRequests.toMessage(message.getCorrelationId(),
                    AmqpTwinRequests.badRequest("A twin request is GET, PATCH of /properties/reported, or PUT or"
                            + " DELETE of /notifications/twin/properties/desired.")));
            return;
        }
        switch (request.operation()) {
            case SUBSCRIBE_DESIRED -> grant.device.acceptDesiredProperties(true);
            case UNSUBSCRIBE_DESIRED -> grant.device.acceptDesiredProperties(false);
            case GET, PATCH_REPORTED -> twinRequests.answer(deviceId, request, context, grant.connection::sendOnTwinLink);
        }
    }

    private void stopMethods(DeviceGrant grant, ProtonSender sender) {
        grant.connection.remove(sender);
        if (grant.connection.sendsMethodRequestsOn(sender)) {
            grant.connection.methodRequests(null);
            devices.acceptsMethods(grant.device, false);
        }
    }

    /** An answer to a method request: status in {@code IoThub-status}, request id as correlation id, JSON payload. */
    private void onMethodAnswer(String deviceId, Message message) {
        DeviceGrant grant = grants.get(deviceId);
        if (grant == null) {
            return;
        }
        devices.active(grant.device);
        String requestId = MethodRequestIds.fromCorrelationId(message.getCorrelationId());
        Object status = message.getApplicationProperties() == null || message.getApplicationProperties().getValue() == null
                ? null : message.getApplicationProperties().getValue().get(METHOD_STATUS);
        if (requestId == null || !(status instanceof Integer code)) {
            LOG.info("Device {} sent a method answer without a request id or an integer {}; ignored", deviceId,
                    METHOD_STATUS);
            return;
        }
        String payload;
        try {
            payload = new String(AmqpTelemetry.from(message).body(), StandardCharsets.UTF_8);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            LOG.info("Device {} sent a method answer the hub cannot read: {}", deviceId, e.getMessage());
            return;
        }
        if (!methods.answer(grant.device, requestId, MethodResult.fromDevice(code, payload))) {
            LOG.info("Device {} answered method request {} that is not waiting (late, or not its own)", deviceId,
                    DeviceAddresses.printable(requestId));
        }
    }

    private void refuse(ProtonLink<?> link, String address, DeviceAddresses.Decision decision) {
        LOG.info("Refused AMQP link to {} from {}: {}", DeviceAddresses.printable(address), who(),
                decision.description());
        // An attach without a terminus, then the detach that says why: how AMQP refuses a link.
        if (link instanceof ProtonReceiver receiver) {
            receiver.setTarget(null);
        } else if (link instanceof ProtonSender sender) {
            sender.setSource(null);
        }
        link.setCondition(new ErrorCondition(decision.condition(), decision.description()));
        link.open();
        link.close();
    }

    /** A link the peer closes or detaches is closed here too and forgotten by its device. */
    private static void keepClosedWithPeer(ProtonLink<?> link, AmqpDeviceConnection owner) {
        link.closeHandler(closed -> {
            if (owner != null) {
                owner.remove(link);
            }
            link.close();
        });
        link.detachHandler(detached -> {
            if (owner != null) {
                owner.remove(link);
            }
            link.detach();
        });
    }

    private void onPutToken(Message message) {
        CbsPutToken request;
        try {
            request = CbsPutToken.parse(message);
        } catch (CbsPutToken.InvalidRequestException e) {
            LOG.info("Refused a $cbs request from {}: {}", who(), e.getMessage());
            reply(message.getMessageId(), message.getReplyTo(), new CbsAnswer(e.status(), e.getMessage()));
            return;
        }
        ClaimsBasedSecurity.Decision decision = security.decide(request);
        if (decision.grant() == null) {
            LOG.info("Refused a SAS token for {} from {}: {}", DeviceAddresses.printable(request.audience()),
                    who(), decision.reason());
            reply(request.messageId(), message.getReplyTo(), decision.answer());
            return;
        }
        reply(request.messageId(), message.getReplyTo(), grant(decision.grant()));
    }

    /** Records the grant (a renewal when the device already has one here); the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Grant granted) {
        String deviceId = granted.deviceId();
        if (ended) {
            // Frames still read after the connection ended must not register a device that nothing would unregister.
            return CbsAnswer.unauthorized("The connection is closing.");
        }
        DeviceGrant existing = grants.get(deviceId);
        if (existing != null) {
            existing.expiresAtEpochSecond = granted.expiresAtEpochSecond();
            scheduleExpiry(deviceId, existing);
            LOG.debug("Device {} renewed its SAS token on AMQP", deviceId);
            return CbsAnswer.OK;
        }
        // A device replacing its own connection does not count twice.
        if (devices.connectedCount() >= maxConnectedDevices && !devices.isConnected(deviceId)) {
            LOG.warn("Refused device {} on AMQP: the hub already has {} devices connected", deviceId, maxConnectedDevices);
            return new CbsAnswer(503, "The hub has as many devices connected as it takes; try again later.");
        }
        vertx.cancelTimer(authenticationTimer);
        AmqpDeviceConnection deviceConnection = new AmqpDeviceConnection(deviceId, who(), context, this::revoke);
        DeviceGrant grant = new DeviceGrant(deviceConnection, devices.connected(deviceConnection),
                granted.expiresAtEpochSecond());
        grants.put(deviceId, grant);
        scheduleExpiry(deviceId, grant);
        LOG.info("Device {} connected over AMQP from {}", deviceId, who());
        return CbsAnswer.OK;
    }

    private void scheduleExpiry(String deviceId, DeviceGrant grant) {
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
        }
        long untilExpiry = grant.expiresAtEpochSecond * 1000 - clock.millis();
        grant.expiryTimer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            grant.expiryTimer = -1;
            if (grants.get(deviceId) != grant) {
                return;
            }
            if (clock.instant().getEpochSecond() >= grant.expiresAtEpochSecond) {
                LOG.info("The SAS token of device {} on AMQP expired; closing its links", deviceId);
                end(grant, AmqpError.UNAUTHORIZED_ACCESS, "The SAS token expired; put a new one on $cbs.");
            } else {
                scheduleExpiry(deviceId, grant);
            }
        });
    }

    /** The hub drops the device (replaced by a newer connection, disabled, or the hub stops). */
    private void revoke(AmqpDeviceConnection deviceConnection) {
        DeviceGrant grant = grants.get(deviceConnection.deviceId());
        if (grant != null && grant.connection == deviceConnection) {
            end(grant, LinkError.DETACH_FORCED, "The hub closed this device's links (connected elsewhere, disabled,"
                    + " or the hub is stopping).");
        }
    }

    private void end(DeviceGrant grant, Symbol condition, String description) {
        grants.remove(grant.connection.deviceId(), grant);
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
        }
        devices.ended(grant.device);
        for (ProtonLink<?> link : grant.connection.takeLinks()) {
            link.setCondition(new ErrorCondition(condition, description));
            link.close();
        }
    }

    private void onTelemetry(String deviceId, ProtonReceiver receiver, ProtonDelivery delivery, Message message) {
        DeviceGrant grant = grants.get(deviceId);
        if (grant == null || clock.instant().getEpochSecond() >= grant.expiresAtEpochSecond) {
            settle(receiver, delivery, rejected(AmqpError.UNAUTHORIZED_ACCESS, "No valid SAS token for " + deviceId + "."));
            return;
        }
        devices.active(grant.device);
        AmqpTelemetry parsed;
        try {
            parsed = AmqpTelemetry.from(message);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            LOG.info("Rejected a telemetry message of device {}: {}", deviceId, e.getMessage());
            settle(receiver, delivery, rejected(e.condition(), e.getMessage()));
            return;
        }
        // Accepted only once stored: a device never loses a message the hub has settled.
        telemetry.accept(deviceId, parsed.systemProperties(), parsed.applicationProperties(), parsed.body())
                .whenComplete((stored, failure) -> context.runOnContext(ignored -> {
                    if (failure == null) {
                        settle(receiver, delivery, Accepted.getInstance());
                    } else {
                        LOG.warn("Telemetry of device {} could not be stored: {}", deviceId, failure.getMessage());
                        settle(receiver, delivery, rejected(AmqpError.INTERNAL_ERROR,
                                "The hub could not store the message; send it again."));
                    }
                }));
    }

    private static void settle(ProtonReceiver receiver, ProtonDelivery delivery,
                               DeliveryState state) {
        if (receiver.isOpen()) {
            delivery.disposition(state, true);
        }
    }

    private static Rejected rejected(Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        return rejected;
    }

    private void reply(Object requestMessageId, String replyTo, CbsAnswer answer) {
        if (cbsReplies == null || !cbsReplies.isOpen()) {
            LOG.info("No $cbs answer link open from {}; the answer {} was not sent", who(), answer.status());
            return;
        }
        cbsReplies.send(answer.toMessage(requestMessageId, replyTo));
    }

    private void closeConnection(Symbol condition, String description) {
        end();
        connection.setCondition(new ErrorCondition(condition, description));
        connection.close();
        connection.disconnect();
    }

    /** The client's AMQP container id, for the log: the socket is vertx-proton's own. */
    private String who() {
        String container = connection.getRemoteContainer();
        return container == null || container.isBlank()
                ? "an AMQP client" : "AMQP container " + DeviceAddresses.printable(container);
    }

    /** Every device of this connection is gone. Idempotent. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        vertx.cancelTimer(authenticationTimer);
        for (DeviceGrant grant : grants.values().toArray(DeviceGrant[]::new)) {
            grants.remove(grant.connection.deviceId());
            if (grant.expiryTimer >= 0) {
                vertx.cancelTimer(grant.expiryTimer);
            }
            devices.ended(grant.device);
            LOG.info("Device {} disconnected from AMQP", grant.connection.deviceId());
        }
    }
}
