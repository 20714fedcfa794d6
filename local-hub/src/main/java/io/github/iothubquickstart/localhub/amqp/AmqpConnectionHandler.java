package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackQueue;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotifications;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticatorFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes each new AMQP connection: devices authenticate with claims-based security (a SAS token put on $cbs) or with
 * their TLS client certificate (X.509: the first link to one of their nodes), then
 * send telemetry, answer direct methods, use their twins and receive cloud-to-device messages on their own links;
 * back-ends send cloud-to-device messages and read their feedback. Shared by every listener; the state of one
 * connection is its {@link AmqpClientConnection}.
 */
public final class AmqpConnectionHandler {
    private final Vertx vertx;
    private final Clock clock;
    private final ClaimsBasedSecurity security;
    private final ConnectedDevices devices;
    private final TelemetryFeed telemetry;
    private final FaultInjector faults;
    private final DirectMethodService methods;
    private final AmqpTwinRequests twinRequests;
    private final CloudToDeviceQueues cloudToDevice;
    private final List<ServiceNode> serviceNodes;
    private final int maxConnectedDevices;
    private final int maxSessionsPerConnection;
    private final int maxLinksPerConnection;
    private final String containerId;
    private final String hubName;
    private final Duration authenticationTimeout;
    /** Null where Device Provisioning Service clients are not served. */
    private final DeviceRegistrations registrations;
    private final ModelAnnouncements models;

    /**
     * @param maxSessionsPerConnection sessions one connection may have open
     * @param maxLinksPerConnection    links one connection may have open
     * @param containerId           the hub's AMQP container id (its host name)
     * @param hubName               the hub's name, in SASL PLAIN user names ({@code <policy>@sas.root.<hub name>})
     * @param authenticationTimeout how long a connection may take to finish SASL, and stay open without a valid token
     */
    public AmqpConnectionHandler(Vertx vertx, Clock clock, DeviceAuthenticator authenticator,
                                 ServiceAuthenticator serviceAuthenticator, ConnectedDevices devices,
                                 TelemetryFeed telemetry, FaultInjector faults, DirectMethodService methods,
                                 TwinService twins, ModelAnnouncements models, CloudToDeviceQueues cloudToDevice, FeedbackQueue feedback,
                                 int maxConnectedDevices, int maxSessionsPerConnection, int maxLinksPerConnection,
                                 String containerId, String hubName, Duration authenticationTimeout) {
        this(vertx, clock, authenticator, serviceAuthenticator, devices, telemetry, faults, methods, twins, models,
                cloudToDevice,
                List.of(new CloudToDeviceNode(cloudToDevice), ServiceBoundNode.feedback(feedback)),
                maxConnectedDevices, maxSessionsPerConnection, maxLinksPerConnection, containerId, hubName,
                authenticationTimeout);
    }

    /** @param serviceNodes the nodes back-ends may attach to, beside the devices' own */
    AmqpConnectionHandler(Vertx vertx, Clock clock, DeviceAuthenticator authenticator,
                          ServiceAuthenticator serviceAuthenticator, ConnectedDevices devices,
                          TelemetryFeed telemetry, FaultInjector faults, DirectMethodService methods,
                          TwinService twins, ModelAnnouncements models, CloudToDeviceQueues cloudToDevice,
                          List<ServiceNode> serviceNodes,
                          int maxConnectedDevices, int maxSessionsPerConnection, int maxLinksPerConnection,
                          String containerId, String hubName, Duration authenticationTimeout) {
        this.vertx = vertx;
        this.clock = clock;
        this.serviceNodes = List.copyOf(serviceNodes);
        this.security = new ClaimsBasedSecurity(authenticator, serviceAuthenticator,
                path -> this.serviceNodes.stream().anyMatch(node -> node.coversAudience(path)));
        this.devices = devices;
        this.telemetry = telemetry;
        this.faults = faults;
        this.methods = methods;
        this.twinRequests = new AmqpTwinRequests(twins);
        this.models = models;
        this.cloudToDevice = cloudToDevice;
        this.maxConnectedDevices = maxConnectedDevices;
        this.maxSessionsPerConnection = maxSessionsPerConnection;
        this.maxLinksPerConnection = maxLinksPerConnection;
        this.containerId = containerId;
        this.hubName = hubName;
        this.authenticationTimeout = authenticationTimeout;
        this.registrations = null;
    }

    /**
     * The same AMQP endpoint reached through a WebSocket upgraded on the HTTPS server (subprotocol {@code AMQPWSB10}):
     * same frame size, authentication timeout and handler; TLS is the HTTPS server's.
     */
    public AmqpOverWebSockets overWebSockets() {
        return new AmqpOverWebSockets(this, containerId);
    }

    /** A copy that takes another security and other nodes: for {@link #withEventHubs} and {@link #eventHubsOnly}. */
    private AmqpConnectionHandler(AmqpConnectionHandler original, ClaimsBasedSecurity security,
                                  List<ServiceNode> serviceNodes) {
        this(original, security, serviceNodes, original.registrations);
    }

    /** A copy with other nodes and another provisioning service (null: none). */
    private AmqpConnectionHandler(AmqpConnectionHandler original, ClaimsBasedSecurity security,
                                  List<ServiceNode> serviceNodes, DeviceRegistrations registrations) {
        this.vertx = original.vertx;
        this.clock = original.clock;
        this.serviceNodes = List.copyOf(serviceNodes);
        this.security = security;
        this.devices = original.devices;
        this.telemetry = original.telemetry;
        this.faults = original.faults;
        this.methods = original.methods;
        this.twinRequests = original.twinRequests;
        this.models = original.models;
        this.cloudToDevice = original.cloudToDevice;
        this.maxConnectedDevices = original.maxConnectedDevices;
        this.maxSessionsPerConnection = original.maxSessionsPerConnection;
        this.maxLinksPerConnection = original.maxLinksPerConnection;
        this.containerId = original.containerId;
        this.hubName = original.hubName;
        this.authenticationTimeout = original.authenticationTimeout;
        this.registrations = registrations;
    }

    /**
     * This handler, also serving Device Provisioning Service clients: a SASL PLAIN login as
     * {@code {idScope}/registrations/{registrationId}} with the registration's SAS token makes the connection one that
     * can only register ({@link AmqpRegistrationConnection}).
     */
    public AmqpConnectionHandler withProvisioning(DeviceRegistrations deviceRegistrations) {
        return new AmqpConnectionHandler(this, security, serviceNodes, deviceRegistrations);
    }

    /** This handler, also serving file upload notifications to back-ends ({@code FileUploadNotificationProcessorClient}). */
    public AmqpConnectionHandler withFileUploadNotifications(FileUploadNotifications notifications) {
        List<ServiceNode> nodes = new ArrayList<>(serviceNodes);
        nodes.add(ServiceBoundNode.fileNotifications(notifications));
        return new AmqpConnectionHandler(this, security, nodes);
    }

    /** This handler, also serving the Event Hubs-compatible endpoint's nodes ($management and the partitions). */
    public AmqpConnectionHandler withEventHubs(EventHubsEndpoint endpoint) {
        List<ServiceNode> nodes = new ArrayList<>(serviceNodes);
        nodes.addAll(endpoint.nodes());
        List<ServiceNode> all = List.copyOf(nodes);
        return new AmqpConnectionHandler(this, security.withServicePaths(
                path -> all.stream().anyMatch(node -> node.coversAudience(path))), all);
    }

    /**
     * The Event Hubs-compatible endpoint alone, without devices or the other service nodes: for the plain listener of
     * the Event Hubs SDKs' emulator mode, so nothing else is ever served without TLS.
     */
    public AmqpConnectionHandler eventHubsOnly(EventHubsEndpoint endpoint) {
        List<ServiceNode> nodes = List.copyOf(endpoint.nodes());
        return new AmqpConnectionHandler(this, security.withDevices(false).withServicePaths(
                path -> nodes.stream().anyMatch(node -> node.coversAudience(path))), nodes, null);
    }

    /**
     * The SASL exchange of each new connection on any listener of this handler: ANONYMOUS, or PLAIN decided by this
     * handler's security, within the authentication timeout.
     */
    public ProtonSaslAuthenticatorFactory saslAuthenticators() {
        SaslPlainLogin plain = new SaslPlainLogin(hubName, security);
        RegistrationLogin registrationLogin = registrations == null ? null : new RegistrationLogin(registrations);
        return () -> new HubSaslAuthenticator(vertx, authenticationTimeout, plain, registrationLogin, null);
    }

    /** As {@link #saslAuthenticators()}, for one connection whose client certificates are {@code peer}. */
    HubSaslAuthenticator saslAuthenticator(PeerCertificates peer) {
        RegistrationLogin registrationLogin = registrations == null ? null : new RegistrationLogin(registrations);
        return new HubSaslAuthenticator(vertx, authenticationTimeout, new SaslPlainLogin(hubName, security),
                registrationLogin, peer);
    }

    /** The hub's AMQP container id, which its open frames carry. */
    String containerId() {
        return containerId;
    }

    /** Handles one new connection once its SASL exchange succeeded; runs on the connection's event loop. */
    public void handle(ProtonConnection connection) {
        RegistrationLogin.Granted registration =
                connection.attachments().get(RegistrationLogin.GRANTED, RegistrationLogin.Granted.class);
        if (registration != null && registrations != null) {
            new AmqpRegistrationConnection(connection, vertx, vertx.getOrCreateContext(), clock, registrations,
                    registration, new ConnectionBudget(maxSessionsPerConnection, maxLinksPerConnection))
                    .start(containerId);
            return;
        }
        new AmqpClientConnection(connection, vertx, vertx.getOrCreateContext(), clock, security, devices, telemetry,
                faults, methods, twinRequests, models, cloudToDevice, serviceNodes, maxConnectedDevices,
                new ConnectionBudget(maxSessionsPerConnection, maxLinksPerConnection))
                .handingOverRegistrations(registrations == null ? null
                        : new CertificateRegistrationLogin(vertx, clock, registrations, containerId,
                                authenticationTimeout))
                .start(containerId, authenticationTimeout);
    }
}
