package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection from a client: the $cbs node its tokens arrive on, the devices those tokens grant (several when
 * the SDK multiplexes) and the service policies they prove, each until its token expires, and which link may attach
 * where: a device's links to its own nodes ({@link DeviceAddresses}; what arrives goes to {@link DeviceMessages}), a
 * back-end's links to the {@link ServiceNode}s its policy has the right for. Everything here runs on the connection's
 * event loop.
 */
final class AmqpClientConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpClientConnection.class);
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
    private final DeviceMessages messages;
    private final int maxConnectedDevices;
    private final List<ServiceNode> serviceNodes;
    private final CloudToDeviceQueues cloudToDevice;
    private final Map<String, DeviceGrant> grants = new HashMap<>();
    /** By policy name. */
    private final Map<String, ServiceGrant> serviceGrants = new HashMap<>();
    private ProtonSender cbsReplies;
    private long authenticationTimer;
    private boolean ended;

    AmqpClientConnection(ProtonConnection connection, Vertx vertx, Context context, Clock clock,
                         ClaimsBasedSecurity security, ConnectedDevices devices, TelemetryFeed telemetry,
                         DirectMethodService methods, AmqpTwinRequests twinRequests, CloudToDeviceQueues cloudToDevice,
                         List<ServiceNode> serviceNodes, int maxConnectedDevices) {
        this.connection = connection;
        this.vertx = vertx;
        this.context = context;
        this.clock = clock;
        this.security = security;
        this.devices = devices;
        this.messages = new DeviceMessages(context, clock, devices, telemetry, methods, twinRequests);
        this.cloudToDevice = cloudToDevice;
        this.serviceNodes = List.copyOf(serviceNodes);
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
        connection.receiverOpenHandler(receiver -> guarded(() -> onClientSends(receiver)));
        connection.senderOpenHandler(sender -> guarded(() -> onClientReceives(sender)));
        authenticationTimer = vertx.setTimer(Math.max(1, authenticationTimeout.toMillis()), fired -> {
            if (grants.isEmpty() && serviceGrants.isEmpty() && !ended) {
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

    /** A link on which the client sends: to $cbs, to a service node, or to one of its device's nodes. */
    private void onClientSends(ProtonReceiver receiver) {
        String address = receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress();
        if (DeviceAddresses.CBS.equals(address)) {
            receiver.setTarget(receiver.getRemoteTarget());
            receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_CBS_MESSAGE_BYTES));
            receiver.handler((delivery, message) -> guarded(() -> onPutToken(message)));
            keepClosedWithPeer(receiver, null);
            receiver.open();
            return;
        }
        ServiceNode node = serviceNodeFor(address);
        if (node != null) {
            ServiceLink link = attachToService(receiver, address, node);
            if (link != null) {
                node.attach(receiver, link);
            }
            return;
        }
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.FROM_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            refuse(receiver, address, decision);
            return;
        }
        DeviceGrant grant = grants.get(decision.address().deviceId());
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_TELEMETRY_MESSAGE_BYTES));
        switch (decision.address().node()) {
            case METHODS -> receiver.handler((delivery, message) -> guarded(() -> messages.methodAnswer(grant, message)));
            case TWIN -> receiver.setAutoAccept(false).handler((delivery, message) ->
                    guarded(() -> messages.twinRequest(grant, receiver, delivery, message)));
            default -> receiver.setAutoAccept(false).handler((delivery, message) ->
                    guarded(() -> messages.telemetry(grant, receiver, delivery, message)));
        }
        keepClosedWithPeer(receiver, grant.connection::remove);
        grant.connection.add(receiver);
        receiver.open();
        LOG.debug("Device {} opened its {} link", grant.deviceId(), decision.address().node());
    }

    /** A link on which the client receives: $cbs answers, a service node's messages, or its device's. */
    private void onClientReceives(ProtonSender sender) {
        String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
        if (DeviceAddresses.CBS.equals(address)) {
            sender.setSource(sender.getRemoteSource());
            sender.setQoS(ProtonQoS.AT_MOST_ONCE);
            keepClosedWithPeer(sender, null);
            sender.open();
            cbsReplies = sender;
            return;
        }
        ServiceNode node = serviceNodeFor(address);
        if (node != null) {
            ServiceLink link = attachToService(sender, address, node);
            if (link != null) {
                node.attach(sender, link);
            }
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
        keepClosedWithPeer(sender, grant.connection::remove);
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
        if (decision.address().node() == DeviceAddresses.Node.CLOUD_TO_DEVICE) {
            sender.setQoS(ProtonQoS.AT_LEAST_ONCE);
            AmqpCloudToDeviceLink link = new AmqpCloudToDeviceLink(grant.deviceId(), sender, context, cloudToDevice);
            grant.connection.cloudToDevice(link);
            sender.closeHandler(closed -> {
                stopCloudToDevice(grant, sender, link);
                sender.close();
            });
            sender.detachHandler(detached -> {
                stopCloudToDevice(grant, sender, link);
                sender.detach();
            });
            sender.open();
            cloudToDevice.receiverReady(link);
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

    private void stopCloudToDevice(DeviceGrant grant, ProtonSender sender, AmqpCloudToDeviceLink link) {
        grant.connection.remove(sender);
        if (grant.connection.cloudToDevice() == link) {
            grant.connection.cloudToDevice(null);
        }
        cloudToDevice.receiverGone(link);
    }

    private void stopMethods(DeviceGrant grant, ProtonSender sender) {
        grant.connection.remove(sender);
        if (grant.connection.sendsMethodRequestsOn(sender)) {
            grant.connection.methodRequests(null);
            devices.acceptsMethods(grant.device, false);
        }
    }

    private ServiceNode serviceNodeFor(String address) {
        if (address == null) {
            return null;
        }
        for (ServiceNode node : serviceNodes) {
            if (node.serves(address)) {
                return node;
            }
        }
        return null;
    }

    /**
     * The link under a policy of this connection that has the node's right, or null after refusing it: a back-end
     * attaches only with a service token for a policy that may use the node.
     */
    private ServiceLink attachToService(ProtonLink<?> link, String address, ServiceNode node) {
        if (node.checksEachRequest()) {
            keepClosedWithPeer(link, null);
            return serviceLink(link, address, null);
        }
        long now = clock.instant().getEpochSecond();
        ServiceGrant grant = serviceGrants.values().stream()
                .filter(candidate -> candidate.validAt(now) && candidate.policy.rights().contains(node.requiredRight()))
                .findFirst()
                .orElse(null);
        if (grant == null) {
            refuse(link, address, AmqpError.UNAUTHORIZED_ACCESS, serviceGrants.isEmpty()
                    ? "No valid service SAS token was put on $cbs for this connection."
                    : "No policy of this connection's tokens has the " + node.requiredRight() + " permission.");
            return null;
        }
        keepClosedWithPeer(link, grant::remove);
        grant.add(link);
        return serviceLink(link, address, grant);
    }

    /** What the node sees of the link: under {@code grant}, or under none where the node checks each request. */
    private ServiceLink serviceLink(ProtonLink<?> link, String address, ServiceGrant grant) {
        return new ServiceLink() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public String who() {
                return AmqpClientConnection.this.who();
            }

            @Override
            public String policyName() {
                return grant == null ? null : grant.policy.name();
            }

            @Override
            public boolean authorized() {
                return grant != null && serviceGrants.get(grant.policy.name()) == grant
                        && grant.validAt(clock.instant().getEpochSecond());
            }

            @Override
            public void onGone(Runnable callback) {
                grant.onGone(link, callback);
            }

            @Override
            public void refuse(Symbol condition, String description) {
                if (grant != null) {
                    grant.remove(link);
                }
                AmqpClientConnection.this.refuse(link, address, condition, description);
            }
        };
    }

    private void refuse(ProtonLink<?> link, String address, DeviceAddresses.Decision decision) {
        refuse(link, address, decision.condition(), decision.description());
    }

    private void refuse(ProtonLink<?> link, String address, Symbol condition, String description) {
        LOG.info("Refused AMQP link to {} from {}: {}", DeviceAddresses.printable(address), who(), description);
        // An attach without a terminus, then the detach that says why: how AMQP refuses a link.
        if (link instanceof ProtonReceiver receiver) {
            receiver.setTarget(null);
        } else if (link instanceof ProtonSender sender) {
            sender.setSource(null);
        }
        link.setCondition(new ErrorCondition(condition, description));
        link.open();
        link.close();
    }

    /** A link the peer closes or detaches is closed here too and forgotten by the grant it was attached under. */
    private static void keepClosedWithPeer(ProtonLink<?> link, Consumer<ProtonLink<?>> owner) {
        link.closeHandler(closed -> {
            if (owner != null) {
                owner.accept(link);
            }
            link.close();
        });
        link.detachHandler(detached -> {
            if (owner != null) {
                owner.accept(link);
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
        if (decision.claim() == null) {
            LOG.info("Refused a SAS token for {} from {}: {}", DeviceAddresses.printable(request.audience()),
                    who(), decision.reason());
            reply(request.messageId(), message.getReplyTo(), decision.answer());
            return;
        }
        CbsAnswer answer;
        if (ended) {
            // Frames still read after the connection ended must not register a device that nothing would unregister.
            answer = CbsAnswer.unauthorized("The connection is closing.");
        } else if (decision.claim() instanceof ClaimsBasedSecurity.Claim.Device device) {
            answer = grant(device);
        } else {
            answer = grant((ClaimsBasedSecurity.Claim.Service) decision.claim());
        }
        reply(request.messageId(), message.getReplyTo(), answer);
    }

    /** Records the policy's grant (a renewal when this connection already holds it); the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Claim.Service granted) {
        String policyName = granted.policy().name();
        ServiceGrant grant = serviceGrants.get(policyName);
        if (grant == null) {
            grant = new ServiceGrant(granted.policy(), granted.expiresAtEpochSecond());
            serviceGrants.put(policyName, grant);
            vertx.cancelTimer(authenticationTimer);
            LOG.info("A back-end connected over AMQP from {} with policy {}", who(), policyName);
        } else {
            grant.expiresAtEpochSecond = granted.expiresAtEpochSecond();
            LOG.debug("Policy {} renewed its SAS token on AMQP", policyName);
        }
        scheduleExpiry(policyName, grant);
        return CbsAnswer.OK;
    }

    private void scheduleExpiry(String policyName, ServiceGrant grant) {
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
        }
        long untilExpiry = grant.expiresAtEpochSecond * 1000 - clock.millis();
        grant.expiryTimer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            grant.expiryTimer = -1;
            if (serviceGrants.get(policyName) != grant) {
                return;
            }
            if (!grant.validAt(clock.instant().getEpochSecond())) {
                LOG.info("The SAS token of policy {} on AMQP from {} expired; closing its links", policyName, who());
                serviceGrants.remove(policyName);
                for (ProtonLink<?> link : grant.takeLinks()) {
                    link.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS,
                            "The SAS token expired; put a new one on $cbs."));
                    link.close();
                }
            } else {
                scheduleExpiry(policyName, grant);
            }
        });
    }

    /** Records the device's grant (a renewal when the device already has one here); the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Claim.Device granted) {
        String deviceId = granted.deviceId();
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

    /** The device's messages in flight go back to its queue: its links are closing. */
    private void stopCloudToDevice(DeviceGrant grant) {
        AmqpCloudToDeviceLink link = grant.connection.cloudToDevice();
        if (link != null) {
            grant.connection.cloudToDevice(null);
            cloudToDevice.receiverGone(link);
        }
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
        grant.revoke();
        stopCloudToDevice(grant);
        grants.remove(grant.deviceId(), grant);
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
        }
        devices.ended(grant.device);
        for (ProtonLink<?> link : grant.connection.takeLinks()) {
            link.setCondition(new ErrorCondition(condition, description));
            link.close();
        }
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
        for (ServiceGrant grant : serviceGrants.values()) {
            if (grant.expiryTimer >= 0) {
                vertx.cancelTimer(grant.expiryTimer);
            }
            grant.takeLinks();
        }
        serviceGrants.clear();
        for (DeviceGrant grant : grants.values().toArray(DeviceGrant[]::new)) {
            grant.revoke();
            stopCloudToDevice(grant);
            grants.remove(grant.deviceId());
            if (grant.expiryTimer >= 0) {
                vertx.cancelTimer(grant.expiryTimer);
            }
            devices.ended(grant.device);
            LOG.info("Device {} disconnected from AMQP", grant.deviceId());
        }
    }
}
