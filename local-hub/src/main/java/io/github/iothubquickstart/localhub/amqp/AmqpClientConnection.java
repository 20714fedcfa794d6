package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.digitaltwins.ModelIds;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.eventloop.AbruptClose;
import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.impl.SessionTeardown;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ConnectionError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection from a client: the $cbs node its tokens arrive on, the devices and modules those tokens grant
 * (several when the SDK multiplexes) and the service policies they prove, each until its token expires, and which link may attach
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
    private static final String TOKEN_EXPIRED = "The SAS token expired; put a new one on $cbs.";

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
    private final ModelAnnouncements models;
    /** The link property a device's sender links carry its IoT Plug and Play model id in. */
    static final String MODEL_ID = "com.microsoft:model-id";
    private final Map<IdentityId, DeviceGrant> grants = new HashMap<>();
    /** By policy name. */
    private final Map<String, ServiceGrant> serviceGrants = new HashMap<>();
    private final ConnectionBudget budget;
    /** The $cbs links: they stay open after every grant expired, so that a client can put a new token. */
    private final List<ProtonLink<?>> cbsLinks = new ArrayList<>();
    private ProtonSender cbsReplies;
    private Duration authenticationTimeout;
    private long authenticationTimer = -1;
    private boolean ended;
    /** The TLS client certificate logs in at most one identity, tried once: IoT Hub's X.509 connections are single. */
    private boolean certificateTried;
    /** Takes a DPS client that attests with its certificate; null where DPS is not served. */
    private CertificateRegistrationLogin registrationByCertificate;

    AmqpClientConnection(ProtonConnection connection, Vertx vertx, Context context, Clock clock,
                         ClaimsBasedSecurity security, ConnectedDevices devices, TelemetryFeed telemetry,
                         FaultInjector faults, DirectMethodService methods, AmqpTwinRequests twinRequests,
                         ModelAnnouncements models, CloudToDeviceQueues cloudToDevice,
                         List<ServiceNode> serviceNodes, int maxConnectedDevices, ConnectionBudget budget) {
        this.connection = connection;
        this.vertx = vertx;
        this.context = context;
        this.clock = clock;
        this.security = security;
        this.devices = devices;
        this.messages = new DeviceMessages(context, clock, devices, telemetry, faults, methods, twinRequests);
        this.cloudToDevice = cloudToDevice;
        this.models = models;
        this.serviceNodes = List.copyOf(serviceNodes);
        this.maxConnectedDevices = maxConnectedDevices;
        this.budget = budget;
    }

    /**
     * Opens the connection's handlers and grants what its SASL PLAIN login proved, if anything; a client that has no
     * valid token within {@code authenticationTimeout} (from now, or from when its last grant expired) is closed.
     */
    void start(String containerId, Duration authenticationTimeout) {
        this.authenticationTimeout = authenticationTimeout;
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
            if (!budget.open(session)) {
                LOG.info("Refused a session from {}: it has {} open", who(), budget.maxSessions());
            }
        });
        connection.receiverOpenHandler(receiver -> guarded(() -> {
            String address = receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress();
            if (!handedOver(receiver, address) && admitted(receiver, address)) {
                onClientSends(receiver);
            }
        }));
        connection.senderOpenHandler(sender -> guarded(() -> {
            String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
            if (!handedOver(sender, address) && admitted(sender, address)) {
                onClientReceives(sender);
            }
        }));
        armAuthenticationDeadline(false);
        ClaimsBasedSecurity.Claim plainLogin =
                connection.attachments().get(HubSaslAuthenticator.CLAIM, ClaimsBasedSecurity.Claim.class);
        if (plainLogin != null) {
            CbsAnswer answer = grant(plainLogin);
            if (answer.status() != CbsAnswer.OK.status()) {
                LOG.info("Closing AMQP connection from {}: its SASL PLAIN login could not be granted ({})", who(),
                        answer.description());
                closeConnection(AmqpError.RESOURCE_LIMIT_EXCEEDED, answer.description());
            }
        }
    }

    /** Lets {@code login} take this connection if it turns out to be a DPS client's with an X.509 certificate. */
    AmqpClientConnection handingOverRegistrations(CertificateRegistrationLogin login) {
        this.registrationByCertificate = login;
        return this;
    }

    /**
     * A DPS client attesting with X.509 opens no SASL and no $cbs, only its links to
     * {@code {idScope}/registrations/{registrationId}}, on a connection whose TLS handshake presented its certificate:
     * its first link hands the connection, untouched by any grant yet, over to {@link CertificateRegistrationLogin}.
     */
    private boolean handedOver(ProtonLink<?> link, String address) {
        if (registrationByCertificate == null || ended || !grants.isEmpty() || !serviceGrants.isEmpty()
                || !cbsLinks.isEmpty()) {
            return false;
        }
        Optional<RegistrationAddress> registration = RegistrationAddress.parse(address);
        PeerCertificates peer = connection.attachments().get(HubSaslAuthenticator.PEER, PeerCertificates.class);
        if (registration.isEmpty() || peer == null || peer.isEmpty()) {
            return false;
        }
        end();
        registrationByCertificate.take(connection, link, registration.get(), peer, budget);
        return true;
    }

    /** Whether the connection may open one more link; if not, the link is refused as IoT Hub does. */
    private boolean admitted(ProtonLink<?> link, String address) {
        if (budget.admitLink(link)) {
            return true;
        }
        refuse(link, address, AmqpError.RESOURCE_LIMIT_EXCEEDED,
                "A connection may have at most " + budget.maxLinks() + " links open.");
        return false;
    }

    /**
     * Closes the connection after the authentication timeout unless it holds a valid token by then; after its grants
     * expired ({@code afterExpiry}), also unless it still holds links besides $cbs.
     */
    private void armAuthenticationDeadline(boolean afterExpiry) {
        if (authenticationTimer >= 0) {
            vertx.cancelTimer(authenticationTimer);
        }
        authenticationTimer = vertx.setTimer(Math.max(1, authenticationTimeout.toMillis()), fired -> {
            authenticationTimer = -1;
            if (!grants.isEmpty() || !serviceGrants.isEmpty() || ended
                    || (afterExpiry && budget.holdsLinksBesides(cbsLinks))) {
                return;
            }
            LOG.info("Closing AMQP connection from {}: no valid SAS token {} {} s", who(),
                    afterExpiry ? "since its last one expired," : "within", authenticationTimeout.toSeconds());
            closeConnection(AmqpError.UNAUTHORIZED_ACCESS, "No valid SAS token was put on $cbs in time.");
        });
    }

    /**
     * The last grant expired (or the hub dropped it: connected elsewhere, disabled): the connection is as good as a new
     * one, with as long to put a new token.
     */
    private void rearmWhenNoGrantLeft() {
        if (grants.isEmpty() && serviceGrants.isEmpty() && !ended) {
            armAuthenticationDeadline(true);
        }
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
            cbsLinks.add(receiver);
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
        grantByCertificate(address);
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.FROM_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            refuse(receiver, address, decision);
            return;
        }
        Object announced = announcedModel(receiver);
        if (announced != null && !(announced instanceof String text && ModelIds.isValid(text))) {
            refuse(receiver, address, AmqpError.INVALID_FIELD,
                    "The link's " + MODEL_ID + " " + ModelIds.describeInvalid(String.valueOf(announced)) + ".");
            return;
        }
        String modelId = (String) announced;
        DeviceGrant grant = grants.get(decision.address().identity());
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
        grant.connection.add(receiver, switch (decision.address().node()) {
            case METHODS -> ConnectionFault.KILL_AMQP_METHOD_RESPONSE_LINK;
            case TWIN -> ConnectionFault.KILL_AMQP_TWIN_REQUEST_LINK;
            default -> ConnectionFault.KILL_AMQP_TELEMETRY_LINK;
        });
        if (modelId == null) {
            openDeviceLink(receiver, grant, decision);
            return;
        }
        // The model id is stored before the attach is answered: the SDK's open() returns once its links are attached.
        context.executeBlocking(() -> {
            models.announce(grant.identity(), modelId);
            return null;
        }, false).onComplete(stored -> guarded(() -> {
            if (ended) {
                return;
            }
            if (stored.failed()) {
                LOG.warn("Could not keep the model id of {}", grant.identity(), stored.cause());
                refuse(receiver, address, AmqpError.INTERNAL_ERROR, "The hub could not keep the model id.");
                return;
            }
            openDeviceLink(receiver, grant, decision);
        }));
    }

    private void openDeviceLink(ProtonReceiver receiver, DeviceGrant grant, DeviceAddresses.Decision decision) {
        receiver.open();
        LOG.debug("{} opened its {} link", grant.identity(), decision.address().node());
    }

    /** The IoT Plug and Play model id the link announces ({@value #MODEL_ID} property), or null. */
    private static Object announcedModel(ProtonReceiver receiver) {
        return receiver.getRemoteProperties() == null ? null
                : receiver.getRemoteProperties().get(Symbol.valueOf(MODEL_ID));
    }

    /** A link on which the client receives: $cbs answers, a service node's messages, or its device's. */
    private void onClientReceives(ProtonSender sender) {
        String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
        if (DeviceAddresses.CBS.equals(address)) {
            sender.setSource(sender.getRemoteSource());
            sender.setQoS(ProtonQoS.AT_MOST_ONCE);
            keepClosedWithPeer(sender, null);
            cbsLinks.add(sender);
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
        grantByCertificate(address);
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.TO_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            refuse(sender, address, decision);
            return;
        }
        DeviceGrant grant = grants.get(decision.address().identity());
        sender.setSource(sender.getRemoteSource());
        keepClosedWithPeer(sender, grant.connection::remove);
        grant.connection.add(sender, switch (decision.address().node()) {
            case METHODS -> ConnectionFault.KILL_AMQP_METHOD_REQUEST_LINK;
            case TWIN -> ConnectionFault.KILL_AMQP_TWIN_RESPONSE_LINK;
            default -> ConnectionFault.KILL_AMQP_CLOUD_TO_DEVICE_LINK;
        });
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
            AmqpCloudToDeviceLink link = new AmqpCloudToDeviceLink(grant.identity(), sender, context,
                    cloudToDevice);
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

    /**
     * The Azure SDKs' X.509 login on AMQP: no SASL, no $cbs, a link to one of the device's (or module's) nodes on a
     * connection whose TLS handshake presented its certificate. The first such link that names an identity no token
     * granted tries the certificate for that identity ({@code auth.CertificateAuthenticator}, via
     * {@link ClaimsBasedSecurity#decideCertificate}); granted, the identity is the connection's until the certificate
     * expires, as a token's would be. A refusal is logged once; that link and later ones are refused as unauthorized.
     */
    private void grantByCertificate(String address) {
        if (certificateTried || ended || address == null || address.length() > DeviceAddresses.MAX_ADDRESS_LENGTH) {
            return;
        }
        Optional<DeviceAddresses.DeviceAddress> target = DeviceAddresses.parse(address);
        if (target.isEmpty() || grants.containsKey(target.get().identity())) {
            return;
        }
        PeerCertificates peer = connection.attachments().get(HubSaslAuthenticator.PEER, PeerCertificates.class);
        if (peer == null || peer.isEmpty()) {
            return;
        }
        certificateTried = true;
        IdentityId identity = target.get().identity();
        ClaimsBasedSecurity.Decision decision = security.decideCertificate(identity, peer.chain(), clock.instant());
        if (decision.claim() == null) {
            LOG.info("Refused the client certificate of {} for {}: {}", who(), identity, decision.reason());
            return;
        }
        CbsAnswer answer = grant(decision.claim());
        if (answer.status() != CbsAnswer.OK.status()) {
            LOG.info("Refused {} with a client certificate from {}: {}", identity, who(), answer.description());
        }
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
        RefusedLinks.refuse(link, condition, description);
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
        CbsAnswer answer = ended
                // Frames still read after the connection ended must not register a device that nothing would unregister.
                ? CbsAnswer.unauthorized("The connection is closing.")
                : grant(decision.claim());
        reply(request.messageId(), message.getReplyTo(), answer);
    }

    /** Grants what a valid token proved, put on $cbs or given as the SASL PLAIN password; the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Claim claim) {
        if (claim instanceof ClaimsBasedSecurity.Claim.Device device) {
            return grant(device);
        }
        return grant((ClaimsBasedSecurity.Claim.Service) claim);
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
        scheduleExpiry(grant, () -> serviceGrants.get(policyName) == grant, () -> {
            LOG.info("The SAS token of policy {} on AMQP from {} expired; closing its links", policyName, who());
            serviceGrants.remove(policyName);
            for (ProtonLink<?> link : grant.takeLinks()) {
                link.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, TOKEN_EXPIRED));
                link.close();
            }
            rearmWhenNoGrantLeft();
        });
    }

    /**
     * Runs {@code onExpired} once the grant's token has expired: re-armed by a renewal (which calls this again) and past
     * the longest Vert.x timer; does nothing once {@code stillCurrent} says the grant was ended or replaced.
     */
    private void scheduleExpiry(TokenGrant grant, BooleanSupplier stillCurrent, Runnable onExpired) {
        cancelExpiry(grant);
        long untilExpiry = grant.expiresAtEpochSecond * 1000 - clock.millis();
        grant.expiryTimer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            grant.expiryTimer = -1;
            if (!stillCurrent.getAsBoolean()) {
                return;
            }
            if (grant.expiredAt(clock.instant().getEpochSecond())) {
                onExpired.run();
            } else {
                scheduleExpiry(grant, stillCurrent, onExpired);
            }
        });
    }

    private void cancelExpiry(TokenGrant grant) {
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
            grant.expiryTimer = -1;
        }
    }

    /** Records the device's or module's grant (a renewal when it already has one here); the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Claim.Device granted) {
        IdentityId identity = granted.identity();
        DeviceGrant existing = grants.get(identity);
        if (existing != null) {
            existing.expiresAtEpochSecond = granted.expiresAtEpochSecond();
            scheduleExpiry(identity, existing);
            LOG.debug("{} renewed its SAS token on AMQP", identity);
            return CbsAnswer.OK;
        }
        // A device replacing its own connection does not count twice.
        if (devices.connectedCount() >= maxConnectedDevices && !devices.isConnected(identity)) {
            LOG.warn("Refused {} on AMQP: the hub already has {} devices connected", identity, maxConnectedDevices);
            return new CbsAnswer(503, "The hub has as many devices connected as it takes; try again later.");
        }
        vertx.cancelTimer(authenticationTimer);
        AmqpDeviceConnection deviceConnection = new AmqpDeviceConnection(identity, who(), context, this::revoke,
                this::suffer);
        DeviceGrant grant = new DeviceGrant(deviceConnection, devices.connected(deviceConnection),
                granted.generationId(), granted.expiresAtEpochSecond());
        grants.put(identity, grant);
        scheduleExpiry(identity, grant);
        LOG.info("{} {} connected over AMQP from {}", identity.isModule() ? "Module" : "Device", identity, who());
        return CbsAnswer.OK;
    }

    private void scheduleExpiry(IdentityId identity, DeviceGrant grant) {
        scheduleExpiry(grant, () -> grants.get(identity) == grant, () -> {
            LOG.info("The SAS token of {} on AMQP expired; closing its links", identity);
            end(grant, AmqpError.UNAUTHORIZED_ACCESS, TOKEN_EXPIRED);
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
        DeviceGrant grant = grants.get(deviceConnection.identity());
        if (grant != null && grant.connection == deviceConnection) {
            end(grant, LinkError.DETACH_FORCED, "The hub closed this device's links (connected elsewhere, disabled,"
                    + " or the hub is stopping).");
        }
    }

    /**
     * IoT Hub's fault injection on this connection, asked for by {@code device} (ignored once it is gone from here):
     * the socket, the connection, the device's session or one of its links closed with an error whose description is
     * the fault's reason; the client sees what it would see from IoT Hub and reconnects.
     */
    private void suffer(AmqpDeviceConnection device, ConnectionFault fault, String reason) {
        DeviceGrant grant = grants.get(device.identity());
        if (ended || grant == null || grant.connection != device) {
            return;
        }
        LOG.info("Fault {} ({}) on {} from {}", fault, reason, device.identity(), who());
        switch (fault) {
            case KILL_TCP -> {
                end();
                NetSocket socket = connection.attachments().get(HubSaslAuthenticator.SOCKET, NetSocket.class);
                if (socket == null) {
                    connection.disconnect();
                } else {
                    AbruptClose.reset(socket);
                }
            }
            case KILL_AMQP_CONNECTION -> closeConnection(ConnectionError.CONNECTION_FORCED, reason);
            case SHUT_DOWN_AMQP -> closeConnection(null, reason);
            case KILL_AMQP_SESSION -> killSession(grant, reason);
            case KILL_AMQP_CBS_REQUEST_LINK, KILL_AMQP_CBS_RESPONSE_LINK -> {
                Class<?> kind = fault == ConnectionFault.KILL_AMQP_CBS_REQUEST_LINK ? ProtonReceiver.class
                        : ProtonSender.class;
                for (ProtonLink<?> link : List.copyOf(cbsLinks)) {
                    if (kind.isInstance(link)) {
                        cbsLinks.remove(link);
                        detach(link, reason);
                    }
                }
            }
            default -> {
                ProtonLink<?> link = device.linkKilledBy(fault);
                if (link == null) {
                    LOG.info("{} has no link {} breaks; nothing done", device.identity(), fault);
                    return;
                }
                forget(grant, link, fault);
                detach(link, reason);
            }
        }
    }

    /** The device's session ends with an error, its links closed. */
    private void killSession(DeviceGrant grant, String reason) {
        List<ProtonLink<?>> links = grant.connection.takeLinks();
        if (links.isEmpty()) {
            LOG.info("{} has no session of its own open; nothing done", grant.identity());
            return;
        }
        stopCloudToDevice(grant);
        grant.connection.methodRequests(null);
        grant.connection.twin(null);
        devices.acceptsMethods(grant.device, false);
        grant.device.acceptDesiredProperties(false);
        // Its links closed first (Proton-J, the Java SDK's, fails on an end that finds its links still attached), and
        // all in one write: see SessionTeardown.
        SessionTeardown.end(links.get(0).getSession(), links, new ErrorCondition(AmqpError.INTERNAL_ERROR, reason));
    }

    /** What the hub kept about a link a fault is about to detach: it sends nothing more on it. */
    private void forget(DeviceGrant grant, ProtonLink<?> link, ConnectionFault fault) {
        grant.connection.remove(link);
        switch (fault) {
            case KILL_AMQP_CLOUD_TO_DEVICE_LINK -> stopCloudToDevice(grant);
            case KILL_AMQP_METHOD_REQUEST_LINK -> stopMethods(grant, (ProtonSender) link);
            case KILL_AMQP_TWIN_RESPONSE_LINK -> stopTwin(grant, (ProtonSender) link);
            default -> {
            }
        }
    }

    private static void detach(ProtonLink<?> link, String reason) {
        link.setCondition(new ErrorCondition(LinkError.DETACH_FORCED, reason));
        link.close();
    }

    private void end(DeviceGrant grant, Symbol condition, String description) {
        grant.revoke();
        stopCloudToDevice(grant);
        grants.remove(grant.identity(), grant);
        cancelExpiry(grant);
        devices.ended(grant.device);
        for (ProtonLink<?> link : grant.connection.takeLinks()) {
            link.setCondition(new ErrorCondition(condition, description));
            link.close();
        }
        rearmWhenNoGrantLeft();
    }

    private void reply(Object requestMessageId, String replyTo, CbsAnswer answer) {
        if (cbsReplies == null || !cbsReplies.isOpen()) {
            LOG.info("No $cbs answer link open from {}; the answer {} was not sent", who(), answer.status());
            return;
        }
        cbsReplies.send(answer.toMessage(requestMessageId, replyTo));
    }

    /** @param condition null for a close without error */
    private void closeConnection(Symbol condition, String description) {
        end();
        connection.setCondition(condition == null ? null : new ErrorCondition(condition, description));
        connection.close();
        connection.disconnect();
    }

    private String who() {
        return RefusedLinks.who(connection);
    }

    /** Every device of this connection is gone. Idempotent. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        vertx.cancelTimer(authenticationTimer);
        for (ServiceGrant grant : serviceGrants.values()) {
            cancelExpiry(grant);
            grant.takeLinks();
        }
        serviceGrants.clear();
        for (DeviceGrant grant : grants.values().toArray(DeviceGrant[]::new)) {
            grant.revoke();
            stopCloudToDevice(grant);
            grants.remove(grant.identity());
            cancelExpiry(grant);
            devices.ended(grant.device);
            LOG.info("{} disconnected from AMQP", grant.identity());
        }
    }
}
