package io.github.iothubquickstart.localhub.mqtt;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.digitaltwins.ModelAnnouncements;
import io.github.iothubquickstart.localhub.digitaltwins.ModelIds;
import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodResult;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.faults.FaultInjector;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import io.vertx.mqtt.messages.MqttUnsubscribeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speaks IoT Hub's MQTT dialect to devices: authenticates CONNECT, grants only IoT Hub's own topic filters, accepts
 * telemetry, method answers and twin requests on the device's own topics, sends cloud-to-device messages to a device
 * subscribed to its devicebound topic, and closes the connection on anything else, and when the SAS token it
 * connected with expires ({@link SasTokenExpiry}).
 */
public final class MqttConnectionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnectionHandler.class);

    private final DeviceAuthenticator authenticator;
    private final ConnectedDevices devices;
    private final DirectMethodService methods;
    private final TelemetryFeed telemetry;
    private final MqttTwinRequests twinRequests;
    private final int maxConnectedDevices;
    private final PersistentSessions persistentSessions;
    private final CloudToDeviceQueues cloudToDevice;
    private final Clock clock;
    private final MqttProvisioning provisioning;
    private final FaultInjector faults;
    private final ModelAnnouncements models;

    /**
     * @param provisioning serves the Device Provisioning Service's clients, told apart by their user name
     * @param faults       sees every telemetry message first, for the fault requests among them
     * @param models       keeps the IoT Plug and Play model id a CONNECT announces, before the CONNACK
     */
    public MqttConnectionHandler(DeviceAuthenticator authenticator, ConnectedDevices devices,
                                 PersistentSessions persistentSessions, DirectMethodService methods,
                                 TelemetryFeed telemetry, MqttTwinRequests twinRequests,
                                 CloudToDeviceQueues cloudToDevice, int maxConnectedDevices, Clock clock,
                                 MqttProvisioning provisioning, FaultInjector faults, ModelAnnouncements models) {
        this.faults = faults;
        this.models = models;
        this.clock = clock;
        this.provisioning = provisioning;
        this.cloudToDevice = cloudToDevice;
        this.authenticator = authenticator;
        this.devices = devices;
        this.persistentSessions = persistentSessions;
        this.methods = methods;
        this.telemetry = telemetry;
        this.twinRequests = twinRequests;
        this.maxConnectedDevices = maxConnectedDevices;
    }

    /**
     * Handles one new connection; runs on the connection's event loop. {@code username} is its CONNECT's (null for
     * none), {@code peer} the certificate chain its TLS
     * handshake presented: a CONNECT without a password logs in with it (X.509), one with a password with a SAS token.
     */
    public void handle(MqttEndpoint endpoint, String username, PeerCertificates peer) {
        String clientId = endpoint.clientIdentifier();
        String password = endpoint.auth() == null ? null : endpoint.auth().getPassword();
        if (endpoint.protocolVersion() != 4) {
            LOG.info("Refused {} from {}: MQTT protocol version {} (IoT Hub speaks 3.1.1)",
                    clientId, endpoint.remoteAddress(), endpoint.protocolVersion());
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        Optional<ProvisioningTopics.UserName> provisioningClient = ProvisioningTopics.userName(username);
        if (provisioningClient.isPresent()) {
            provisioning.handle(endpoint, provisioningClient.get(), password, peer);
            return;
        }
        DeviceAuthenticator.Outcome outcome = password == null && username != null && !peer.isEmpty()
                ? authenticator.authenticateCertificate(clientId, username, peer.chain(), clock.instant())
                : authenticator.authenticate(clientId, username, password);
        if (!outcome.accepted()) {
            LOG.info("Refused device {} from {}: {}", printable(clientId), endpoint.remoteAddress(), printable(outcome.reason()));
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        IdentityId identity = outcome.identity().orElseThrow();
        // A device replacing its own connection does not count twice.
        if (devices.connectedCount() >= maxConnectedDevices && !devices.isConnected(identity)) {
            LOG.warn("Refused device {}: the hub already has {} devices connected", clientId, maxConnectedDevices);
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        String modelId;
        try {
            modelId = AnnouncedModel.in(username).orElse(null);
        } catch (IllegalArgumentException e) {
            modelId = username;
        }
        if (modelId == null) {
            accept(endpoint, outcome, identity);
            return;
        }
        if (!ModelIds.isValid(modelId)) {
            LOG.info("Refused device {} from {}: its user name's {}", printable(clientId), endpoint.remoteAddress(),
                    ModelIds.describeInvalid(modelId));
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD);
            return;
        }
        // The model id is stored before the CONNACK, so a service that reads the twin next sees it.
        String announced = modelId;
        PendingConnect pending = PendingConnect.watch(endpoint);
        Vertx.currentContext().executeBlocking(() -> {
            models.announce(identity, announced);
            return null;
        }, false).onComplete(stored -> {
            if (pending.clientLeft()) {
                LOG.debug("Device {} left before its CONNECT was answered", printable(clientId));
                return;
            }
            if (stored.failed()) {
                LOG.warn("Refused device {}: could not keep its model id", printable(clientId), stored.cause());
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
                return;
            }
            accept(endpoint, outcome, identity);
        });
    }

    /** Accepts an authenticated CONNECT: the session, its handlers, and what a persistent session restores. */
    private void accept(MqttEndpoint endpoint, DeviceAuthenticator.Outcome outcome, IdentityId identity) {
        String clientId = endpoint.clientIdentifier();
        boolean persistent = !endpoint.isCleanSession();
        if (!persistent) {
            persistentSessions.forget(clientId);
        }
        Set<DeviceTopics.Subscription> restored = persistent
                ? persistentSessions.restore(clientId) : EnumSet.noneOf(DeviceTopics.Subscription.class);
        MqttDeviceConnection connection =
                new MqttDeviceConnection(identity, endpoint, Vertx.currentContext(), restored, persistent);
        endpoint.publishAutoAck(false);
        endpoint.accept(!restored.isEmpty());
        MqttCloudToDevice deviceBound = new MqttCloudToDevice(identity, endpoint, Vertx.currentContext(), cloudToDevice);
        Session session = new Session(connection, outcome.generationId(), devices.connected(connection), deviceBound,
                DeviceTopics.telemetryPrefix(connection.identity()));
        endpoint.subscribeHandler(subscribe -> onSubscribe(session, endpoint, subscribe));
        endpoint.unsubscribeHandler(unsubscribe -> onUnsubscribe(session, endpoint, unsubscribe));
        endpoint.publishHandler(message -> onPublish(session, endpoint, message));
        endpoint.exceptionHandler(error -> {
            LOG.debug("Connection of {} failed", clientId, error);
            // A failure can follow the close it caused (bytes after a refused packet); closing twice throws.
            if (endpoint.isConnected()) {
                endpoint.close();
            }
        });
        endpoint.disconnectHandler(ignored -> LOG.debug("Device {} disconnected", clientId));
        endpoint.publishAcknowledgeHandler(packetId -> {
            if (deviceBound != null) {
                deviceBound.acknowledged(packetId);
            }
        });
        SasTokenExpiry expiry = SasTokenExpiry.start(Vertx.currentContext().owner(), clock,
                outcome.expiresAtEpochSecond(), () -> {
                    LOG.info("The SAS token or certificate of {} expired; closing its MQTT connection", clientId);
                    endpoint.close();
                });
        endpoint.closeHandler(ignored -> {
            expiry.cancel();
            session.stopCloudToDevice(cloudToDevice);
            devices.ended(session.device());
            LOG.info("Device {} disconnected", clientId);
        });
        // A restored session receives what it subscribed to before without subscribing again.
        session.device().acceptDesiredProperties(restored.contains(DeviceTopics.Subscription.TWIN_DESIRED));
        if (restored.contains(DeviceTopics.Subscription.METHODS)) {
            devices.acceptsMethods(session.device(), true);
        }
        if (restored.contains(DeviceTopics.Subscription.CLOUD_TO_DEVICE)) {
            // What was queued while the device was away comes now.
            session.startCloudToDevice(cloudToDevice);
        }
        LOG.info("Device {} connected from {}", clientId, endpoint.remoteAddress());
    }

    /**
     * The faces of one connection: what MQTT needs of it, the generation id it authenticated as (stamped on its
     * telemetry), what the hub's features know of it, and its cloud-to-device subscription.
     */
    private record Session(MqttDeviceConnection connection, String generationId, ConnectedDevice device,
                           MqttCloudToDevice deviceBound, String telemetryPrefix) {
        IdentityId identity() {
            return connection.identity();
        }

        void startCloudToDevice(CloudToDeviceQueues queues) {
            if (deviceBound != null) {
                queues.receiverReady(deviceBound);
            }
        }

        void stopCloudToDevice(CloudToDeviceQueues queues) {
            if (deviceBound != null) {
                queues.receiverGone(deviceBound);
            }
        }
    }

    private void onSubscribe(Session session, MqttEndpoint endpoint, MqttSubscribeMessage subscribe) {
        List<MqttQoS> granted = new ArrayList<>();
        boolean methods = false;
        boolean desired = false;
        boolean deviceBound = false;
        for (MqttTopicSubscription subscription : subscribe.topicSubscriptions()) {
            Optional<DeviceTopics.Subscription> kind =
                    DeviceTopics.subscription(subscription.topicName(), session.identity());
            if (kind.isEmpty()) {
                LOG.info("{} may not subscribe to {}", session.identity(), printable(subscription.topicName()));
                granted.add(MqttQoS.FAILURE);
                continue;
            }
            methods |= kind.get() == DeviceTopics.Subscription.METHODS;
            desired |= kind.get() == DeviceTopics.Subscription.TWIN_DESIRED;
            deviceBound |= kind.get() == DeviceTopics.Subscription.CLOUD_TO_DEVICE;
            session.connection().subscribe(kind.get());
            // IoT Hub grants at most QoS 1.
            granted.add(subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE);
        }
        endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
        rememberIfPersistent(session);
        if (methods) {
            devices.acceptsMethods(session.device(), true);
        }
        if (desired) {
            session.device().acceptDesiredProperties(true);
        }
        if (deviceBound) {
            session.startCloudToDevice(cloudToDevice);
        }
    }

    private void rememberIfPersistent(Session session) {
        if (session.connection().isPersistent()) {
            persistentSessions.remember(session.identity().toString(), session.connection().subscriptions());
        }
    }

    private void onUnsubscribe(Session session, MqttEndpoint endpoint, MqttUnsubscribeMessage unsubscribe) {
        for (String filter : unsubscribe.topics()) {
            DeviceTopics.subscription(filter, session.identity()).ifPresent(session.connection()::unsubscribe);
        }
        if (unsubscribe.topics().contains(DeviceTopics.METHODS_FILTER)) {
            devices.acceptsMethods(session.device(), false);
        }
        if (unsubscribe.topics().contains(DeviceTopics.TWIN_DESIRED_FILTER)) {
            session.device().acceptDesiredProperties(false);
        }
        if (unsubscribe.topics().contains(DeviceTopics.cloudToDeviceFilter(session.identity()))) {
            session.stopCloudToDevice(cloudToDevice);
        }
        rememberIfPersistent(session);
        endpoint.unsubscribeAcknowledge(unsubscribe.messageId());
    }

    private void onPublish(Session session, MqttEndpoint endpoint, MqttPublishMessage message) {
        if (message.qosLevel() == MqttQoS.EXACTLY_ONCE) {
            refuse(session, endpoint, "QoS 2 is not supported by IoT Hub");
            return;
        }
        devices.active(session.device());
        String topic = message.topicName();
        Optional<String> propertyBag = DeviceTopics.propertyBagAfter(topic, session.telemetryPrefix());
        if (propertyBag.isPresent()) {
            onTelemetry(session, endpoint, message, propertyBag.get());
            return;
        }
        Optional<DeviceTopics.MethodResponseTopic> response = DeviceTopics.methodResponse(topic);
        if (response.isPresent()) {
            onMethodResponse(session, message, response.get());
            acknowledge(endpoint, message);
            return;
        }
        Optional<DeviceTopics.TwinRequestTopic> twinRequest = DeviceTopics.twinRequest(topic);
        if (twinRequest.isPresent()) {
            acknowledge(endpoint, message);
            twinRequests.handle(session.connection(), twinRequest.get(), message.payload());
            return;
        }
        refuse(session, endpoint, "publish on a topic it may not use: " + printable(topic));
    }

    private void onTelemetry(Session session, MqttEndpoint endpoint, MqttPublishMessage message, String bag) {
        Optional<PropertyBag> properties = PropertyBag.parse(bag);
        if (properties.isEmpty()) {
            refuse(session, endpoint, "malformed property bag in " + printable(message.topicName()));
            return;
        }
        FaultInjector.Verdict verdict = faults.onTelemetry(session.connection(), properties.get().applicationProperties());
        switch (verdict) {
            case BREAK_SCHEDULED -> {
                // Neither stored nor acknowledged, as IoT Hub does: the connection is about to break.
                return;
            }
            case REFUSAL_SCHEDULED -> {
                acknowledge(endpoint, message);
                return;
            }
            case THROTTLED, QUOTA_EXCEEDED, UNAUTHORIZED -> {
                // MQTT 3.1.1 cannot refuse one PUBLISH: unacknowledged, the device sends it again after reconnecting.
                refuse(session, endpoint, "telemetry refused by an injected fault: " + verdict);
                return;
            }
            default -> {
            }
        }
        // Acknowledged only once stored: a device never loses a message the hub has PUBACKed.
        CompletableFuture<TelemetryMessage> stored = telemetry.accept(session.identity(), session.generationId(),
                properties.get().systemProperties(), properties.get().applicationProperties(), message.payload().getBytes());
        if (stored.isDone()) {
            // Not stored (retention 0), or refused: answer within this read, so that Vert.x flushes the PUBACKs of
            // one read together; a task per PUBACK costs a TLS record and a system call each (docs/benchmarks.md).
            stored.whenComplete((ignored, failure) -> afterStoring(session, endpoint, message, failure));
        } else {
            Context context = Vertx.currentContext();
            stored.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    acknowledgeFromCommitThread(endpoint, message);
                } else {
                    context.runOnContext(none -> afterStoring(session, endpoint, message, failure));
                }
            });
        }
    }

    /**
     * Written from the thread that stored the message, not from a task on the event loop: Vert.x queues what other
     * threads write and sends it in one flush, so the PUBACKs of one commit to one device share a TLS record.
     */
    private static void acknowledgeFromCommitThread(MqttEndpoint endpoint, MqttPublishMessage message) {
        try {
            acknowledge(endpoint, message);
        } catch (IllegalStateException closed) {
            LOG.debug("No PUBACK for message {}: the connection closed while it was stored; the device sends it again",
                    message.messageId());
        }
    }

    private void afterStoring(Session session, MqttEndpoint endpoint, MqttPublishMessage message,
                              Throwable failure) {
        if (failure == null) {
            acknowledge(endpoint, message);
        } else if (endpoint.isConnected()) {
            // Unacknowledged, the device sends it again after reconnecting.
            refuse(session, endpoint, "telemetry could not be stored: " + failure.getMessage());
        }
    }

    private void onMethodResponse(Session session, MqttPublishMessage message,
                                  DeviceTopics.MethodResponseTopic response) {
        MethodResult result = new MethodResult(response.status(), payloadJson(message.payload().toString(StandardCharsets.UTF_8)));
        if (!methods.answer(session.device(), response.requestId(), result)) {
            LOG.info("{} answered method request {} that is not waiting (late, or not its own)",
                    session.identity(), printable(response.requestId()));
        }
    }

    /** The device's answer as JSON; an answer that is not JSON is passed on as a JSON string rather than lost. */
    private static JsonElement payloadJson(String text) {
        if (text.isBlank()) {
            return JsonNull.INSTANCE;
        }
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException notJson) {
            return new JsonPrimitive(text);
        }
    }

    private static void acknowledge(MqttEndpoint endpoint, MqttPublishMessage message) {
        if (message.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            endpoint.publishAcknowledge(message.messageId());
        }
    }

    private void refuse(Session session, MqttEndpoint endpoint, String why) {
        LOG.warn("Closing the connection of {}: {}", session.identity(), why);
        endpoint.close();
    }

    static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
