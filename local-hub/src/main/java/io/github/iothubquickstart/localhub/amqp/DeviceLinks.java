package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.digitaltwins.ModelIds;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.Context;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.impl.SessionTeardown;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' side of one AMQP connection: the devices and modules its tokens (or its TLS client certificate) grant,
 * several when the SDK multiplexes, each registered with {@link ConnectedDevices} until its token expires or the hub
 * drops it, and their links to their own nodes ({@link DeviceAddresses}); what arrives goes to {@link DeviceMessages}.
 */
final class DeviceLinks {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceLinks.class);
    /** IoT Hub's 256 KB body plus room for properties; larger deliveries detach the link. */
    private static final long MAX_TELEMETRY_MESSAGE_BYTES = AmqpTelemetry.MAX_BODY_BYTES + 16 * 1024;
    /** The link property a device's sender links carry its IoT Plug and Play model id in. */
    static final String MODEL_ID = "com.microsoft:model-id";

    private final ProtonConnection connection;
    private final Context context;
    private final Clock clock;
    private final ClaimsBasedSecurity security;
    private final ConnectedDevices devices;
    private final DeviceMessages messages;
    private final CloudToDeviceQueues cloudToDevice;
    private final ModelAnnouncements models;
    private final int maxConnectedDevices;
    private final TokenGrants tokens;
    private final ConnectionScope scope;
    private final Map<IdentityId, DeviceGrant> grants = new HashMap<>();
    /** The TLS client certificate logs in at most one identity, tried once: IoT Hub's X.509 connections are single. */
    private boolean certificateTried;

    DeviceLinks(ProtonConnection connection, Context context, Clock clock, ClaimsBasedSecurity security,
                ConnectedDevices devices, DeviceMessages messages, CloudToDeviceQueues cloudToDevice,
                ModelAnnouncements models, int maxConnectedDevices, TokenGrants tokens, ConnectionScope scope) {
        this.connection = connection;
        this.context = context;
        this.clock = clock;
        this.security = security;
        this.devices = devices;
        this.messages = messages;
        this.cloudToDevice = cloudToDevice;
        this.models = models;
        this.maxConnectedDevices = maxConnectedDevices;
        this.tokens = tokens;
        this.scope = scope;
    }

    boolean isEmpty() {
        return grants.isEmpty();
    }

    /** Records the device's or module's grant (a renewal when it already has one here); the answer to send. */
    CbsAnswer grant(ClaimsBasedSecurity.Claim.Device granted) {
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
        scope.granted();
        AmqpDeviceConnection deviceConnection = new AmqpDeviceConnection(identity, scope.who(), context, this::revoke,
                scope::suffer);
        DeviceGrant grant = new DeviceGrant(deviceConnection, devices.connected(deviceConnection),
                granted.generationId(), granted.expiresAtEpochSecond());
        grants.put(identity, grant);
        scheduleExpiry(identity, grant);
        LOG.info("{} {} connected over AMQP from {}", identity.isModule() ? "Module" : "Device", identity, scope.who());
        return CbsAnswer.OK;
    }

    private void scheduleExpiry(IdentityId identity, DeviceGrant grant) {
        tokens.scheduleExpiry(grant, () -> grants.get(identity) == grant, () -> {
            LOG.info("The SAS token of {} on AMQP expired; closing its links", identity);
            end(grant, AmqpError.UNAUTHORIZED_ACCESS, TokenGrants.TOKEN_EXPIRED);
        });
    }

    /**
     * The Azure SDKs' X.509 login on AMQP: no SASL, no $cbs, a link to one of the device's (or module's) nodes on a
     * connection whose TLS handshake presented its certificate. The first such link that names an identity no token
     * granted tries the certificate for that identity ({@code auth.CertificateAuthenticator}, via
     * {@link ClaimsBasedSecurity#decideCertificate}); granted, the identity is the connection's until the certificate
     * expires, as a token's would be. A refusal is logged once; that link and later ones are refused as unauthorized.
     */
    void grantByCertificate(String address) {
        if (certificateTried || scope.ended() || address == null
                || address.length() > DeviceAddresses.MAX_ADDRESS_LENGTH) {
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
        if (!(decision.claim() instanceof ClaimsBasedSecurity.Claim.Device device)) {
            LOG.info("Refused the client certificate of {} for {}: {}", scope.who(), identity, decision.reason());
            return;
        }
        CbsAnswer answer = grant(device);
        if (answer.status() != CbsAnswer.OK.status()) {
            LOG.info("Refused {} with a client certificate from {}: {}", identity, scope.who(), answer.description());
        }
    }

    /** A link on which a device sends to one of its nodes: telemetry, method answers or twin requests. */
    void attachFromDevice(ProtonReceiver receiver, String address) {
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.FROM_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            scope.refuse(receiver, address, decision.condition(), decision.description());
            return;
        }
        Object announced = announcedModel(receiver);
        if (announced != null && !(announced instanceof String text && ModelIds.isValid(text))) {
            scope.refuse(receiver, address, AmqpError.INVALID_FIELD,
                    "The link's " + MODEL_ID + " " + ModelIds.describeInvalid(String.valueOf(announced)) + ".");
            return;
        }
        String modelId = (String) announced;
        DeviceGrant grant = grants.get(decision.address().identity());
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_TELEMETRY_MESSAGE_BYTES));
        switch (decision.address().node()) {
            case METHODS -> receiver.handler((delivery, message) ->
                    scope.guarded(() -> messages.methodAnswer(grant, message)));
            case TWIN -> receiver.setAutoAccept(false).handler((delivery, message) ->
                    scope.guarded(() -> messages.twinRequest(grant, receiver, delivery, message)));
            default -> receiver.setAutoAccept(false).handler((delivery, message) ->
                    scope.guarded(() -> messages.telemetry(grant, receiver, delivery, message)));
        }
        PeerClosedLinks.follow(receiver, grant.connection::remove);
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
        }, false).onComplete(stored -> scope.guarded(() -> {
            if (scope.ended()) {
                return;
            }
            if (stored.failed()) {
                LOG.warn("Could not keep the model id of {}", grant.identity(), stored.cause());
                scope.refuse(receiver, address, AmqpError.INTERNAL_ERROR, "The hub could not keep the model id.");
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

    /** A link on which a device receives from one of its nodes: method requests, cloud-to-device, twin answers. */
    void attachToDevice(ProtonSender sender, String address) {
        DeviceAddresses.Decision decision =
                DeviceAddresses.decide(address, DeviceAddresses.Direction.TO_DEVICE, grants.keySet());
        if (!decision.allowed()) {
            scope.refuse(sender, address, decision.condition(), decision.description());
            return;
        }
        DeviceGrant grant = grants.get(decision.address().identity());
        sender.setSource(sender.getRemoteSource());
        PeerClosedLinks.follow(sender, grant.connection::remove);
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

    /** Whether {@code device} is still this connection's (a fault it asked for is ignored once it is gone). */
    boolean holds(AmqpDeviceConnection device) {
        DeviceGrant grant = grants.get(device.identity());
        return grant != null && grant.connection == device;
    }

    /** Fault injection: the device's session ends with an error, its links closed. */
    void killSession(AmqpDeviceConnection device, String reason) {
        DeviceGrant grant = grants.get(device.identity());
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

    /** Fault injection: the device's link {@code fault} names is detached; the hub sends nothing more on it. */
    void killLink(AmqpDeviceConnection device, ConnectionFault fault, String reason) {
        ProtonLink<?> link = device.linkKilledBy(fault);
        if (link == null) {
            LOG.info("{} has no link {} breaks; nothing done", device.identity(), fault);
            return;
        }
        DeviceGrant grant = grants.get(device.identity());
        grant.connection.remove(link);
        switch (fault) {
            case KILL_AMQP_CLOUD_TO_DEVICE_LINK -> stopCloudToDevice(grant);
            case KILL_AMQP_METHOD_REQUEST_LINK -> stopMethods(grant, (ProtonSender) link);
            case KILL_AMQP_TWIN_RESPONSE_LINK -> stopTwin(grant, (ProtonSender) link);
            default -> {
            }
        }
        PeerClosedLinks.detach(link, reason);
    }

    private void end(DeviceGrant grant, Symbol condition, String description) {
        grant.revoke();
        stopCloudToDevice(grant);
        grants.remove(grant.identity(), grant);
        tokens.cancelExpiry(grant);
        devices.ended(grant.device);
        for (ProtonLink<?> link : grant.connection.takeLinks()) {
            link.setCondition(new ErrorCondition(condition, description));
            link.close();
        }
        scope.grantEnded();
    }

    /** The connection ended: every device of it is gone. */
    void endAll() {
        for (DeviceGrant grant : grants.values().toArray(DeviceGrant[]::new)) {
            grant.revoke();
            stopCloudToDevice(grant);
            grants.remove(grant.identity());
            tokens.cancelExpiry(grant);
            devices.ended(grant.device);
            LOG.info("{} disconnected from AMQP", grant.identity());
        }
    }
}
