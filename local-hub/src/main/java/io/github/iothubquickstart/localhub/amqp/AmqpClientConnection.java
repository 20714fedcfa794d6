package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.eventloop.AbruptClose;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ConnectionError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection from a client, and which part of it each link goes to: its $cbs node and the grants its tokens
 * make ({@link TokenGrants}), the devices and modules granted and their links ({@link DeviceLinks}), a back-end's
 * policies and its links to the service nodes ({@link ServiceLinks}). It keeps what is the connection's own: its
 * handlers, the deadline by which it must hold a valid token, its session and link budget, the faults that end it,
 * and its end. Everything here runs on the connection's event loop.
 */
final class AmqpClientConnection implements ConnectionScope {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpClientConnection.class);

    private final ProtonConnection connection;
    private final Vertx vertx;
    private final TokenGrants tokens;
    private final DeviceLinks deviceLinks;
    private final ServiceLinks serviceLinks;
    private final ConnectionBudget budget;
    private Duration authenticationTimeout;
    private long authenticationTimer = -1;
    private boolean ended;
    /** Takes a DPS client that attests with its certificate; null where DPS is not served. */
    private CertificateRegistrationLogin registrationByCertificate;

    AmqpClientConnection(ProtonConnection connection, Vertx vertx, Context context, Clock clock,
                         ClaimsBasedSecurity security, ConnectedDevices devices, TelemetryFeed telemetry,
                         FaultInjector faults, DirectMethodService methods, AmqpTwinRequests twinRequests,
                         ModelAnnouncements models, CloudToDeviceQueues cloudToDevice,
                         List<ServiceNode> serviceNodes, int maxConnectedDevices, ConnectionBudget budget) {
        this.connection = connection;
        this.vertx = vertx;
        this.budget = budget;
        this.tokens = new TokenGrants(vertx, clock, security, this, this::grant);
        this.deviceLinks = new DeviceLinks(connection, context, clock, security, devices,
                new DeviceMessages(context, clock, devices, telemetry, faults, methods, twinRequests), cloudToDevice,
                models, maxConnectedDevices, tokens, this);
        this.serviceLinks = new ServiceLinks(clock, serviceNodes, tokens, this);
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
                onClientSends(receiver, address);
            }
        }));
        connection.senderOpenHandler(sender -> guarded(() -> {
            String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
            if (!handedOver(sender, address) && admitted(sender, address)) {
                onClientReceives(sender, address);
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
        if (registrationByCertificate == null || ended || !deviceLinks.isEmpty() || !serviceLinks.isEmpty()
                || !tokens.links().isEmpty()) {
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

    /** A link on which the client sends: to $cbs, to a service node, or to one of its device's nodes. */
    private void onClientSends(ProtonReceiver receiver, String address) {
        if (DeviceAddresses.CBS.equals(address)) {
            tokens.attachRequests(receiver);
            return;
        }
        ServiceNode node = serviceLinks.nodeFor(address);
        if (node != null) {
            serviceLinks.attach(receiver, address, node);
            return;
        }
        deviceLinks.grantByCertificate(address);
        deviceLinks.attachFromDevice(receiver, address);
    }

    /** A link on which the client receives: $cbs answers, a service node's messages, or its device's. */
    private void onClientReceives(ProtonSender sender, String address) {
        if (DeviceAddresses.CBS.equals(address)) {
            tokens.attachReplies(sender);
            return;
        }
        ServiceNode node = serviceLinks.nodeFor(address);
        if (node != null) {
            serviceLinks.attach(sender, address, node);
            return;
        }
        deviceLinks.grantByCertificate(address);
        deviceLinks.attachToDevice(sender, address);
    }

    /** Grants what a valid token proved, put on $cbs or given as the SASL PLAIN password; the answer to send. */
    private CbsAnswer grant(ClaimsBasedSecurity.Claim claim) {
        if (claim instanceof ClaimsBasedSecurity.Claim.Device device) {
            return deviceLinks.grant(device);
        }
        return serviceLinks.grant((ClaimsBasedSecurity.Claim.Service) claim);
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
            if (!deviceLinks.isEmpty() || !serviceLinks.isEmpty() || ended
                    || (afterExpiry && budget.holdsLinksBesides(tokens.links()))) {
                return;
            }
            LOG.info("Closing AMQP connection from {}: no valid SAS token {} {} s", who(),
                    afterExpiry ? "since its last one expired," : "within", authenticationTimeout.toSeconds());
            closeConnection(AmqpError.UNAUTHORIZED_ACCESS, "No valid SAS token was put on $cbs in time.");
        });
    }

    @Override
    public void granted() {
        vertx.cancelTimer(authenticationTimer);
    }

    /**
     * The last grant expired (or the hub dropped it: connected elsewhere, disabled): the connection is as good as a new
     * one, with as long to put a new token.
     */
    @Override
    public void grantEnded() {
        if (deviceLinks.isEmpty() && serviceLinks.isEmpty() && !ended) {
            armAuthenticationDeadline(true);
        }
    }

    /** A handler that throws must not leave the connection half-handled: it is closed, the hub goes on. */
    @Override
    public void guarded(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            LOG.warn("Closing AMQP connection from {} after an unexpected error", who(), e);
            closeConnection(AmqpError.INTERNAL_ERROR, "The hub could not handle this connection's last request.");
        }
    }

    @Override
    public void refuse(ProtonLink<?> link, String address, Symbol condition, String description) {
        LOG.info("Refused AMQP link to {} from {}: {}", DeviceAddresses.printable(address), who(), description);
        RefusedLinks.refuse(link, condition, description);
    }

    /**
     * IoT Hub's fault injection on this connection, asked for by {@code device} (ignored once it is gone from here):
     * the socket, the connection, the device's session or one of its links closed with an error whose description is
     * the fault's reason; the client sees what it would see from IoT Hub and reconnects.
     */
    @Override
    public void suffer(AmqpDeviceConnection device, ConnectionFault fault, String reason) {
        if (ended || !deviceLinks.holds(device)) {
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
            case KILL_AMQP_SESSION -> deviceLinks.killSession(device, reason);
            case KILL_AMQP_CBS_REQUEST_LINK -> tokens.detachLinks(ProtonReceiver.class, reason);
            case KILL_AMQP_CBS_RESPONSE_LINK -> tokens.detachLinks(ProtonSender.class, reason);
            default -> deviceLinks.killLink(device, fault, reason);
        }
    }

    /** @param condition null for a close without error */
    private void closeConnection(Symbol condition, String description) {
        end();
        connection.setCondition(condition == null ? null : new ErrorCondition(condition, description));
        connection.close();
        connection.disconnect();
    }

    @Override
    public String who() {
        return RefusedLinks.who(connection);
    }

    @Override
    public boolean ended() {
        return ended;
    }

    /** Every device of this connection is gone. Idempotent. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        vertx.cancelTimer(authenticationTimer);
        serviceLinks.endAll();
        deviceLinks.endAll();
    }
}
