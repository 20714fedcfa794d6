package io.github.iothubquickstart.localhub.mqtt;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.AttestedDevice;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.RegistrationOperation;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttTopicSubscription;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubscribeMessage;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Device Provisioning Service client on the hub's MQTT listener (8883, and over WebSockets): authenticated at
 * CONNECT (client id = registration id, password = its SAS token; refused with CONNACK 5 as DPS does), then it may
 * only subscribe to {@code $dps/registrations/res/#} and publish DPS's two requests, answered on the response topic
 * with DPS's status and JSON. Any other topic, QoS 2 or too many requests at once closes the connection; a body that
 * is not a registration request is answered 400. It never becomes a hub device connection.
 */
public final class MqttProvisioning {
    /** A DPS client sends one request and waits for its answer; more at once is not a DPS client. */
    static final int MAX_REQUESTS_IN_FLIGHT = 4;
    /**
     * DPS answers no sooner than this after a request came. The Java provisioning SDK (2.1.3, over paho) waits for
     * its QoS 0 request to be marked sent while holding the monitor its message callback needs: when the answer comes
     * before paho's sender thread has marked the request sent (the hub answers in about a millisecond; a loaded
     * machine can hold that thread back longer), paho's callback thread blocks on the monitor, the request is never
     * marked sent, and the registration fails after the SDK's 10 s. Real DPS, over a network, is never that quick.
     */
    static final Duration MIN_ANSWER_DELAY = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(MqttProvisioning.class);

    private final DeviceRegistrations registrations;
    private final Clock clock;

    public MqttProvisioning(DeviceRegistrations registrations, Clock clock) {
        this.registrations = registrations;
        this.clock = clock;
    }

    /**
     * A DPS client's CONNECT; runs on the connection's event loop. Without a password, the client attests with the
     * X.509 certificate it presented in the TLS handshake ({@code peer}), as the provisioning SDKs connect then.
     */
    void handle(MqttEndpoint endpoint, ProvisioningTopics.UserName user, String password, PeerCertificates peer) {
        String clientId = endpoint.clientIdentifier();
        if (!user.registrationId().equals(clientId)) {
            LOG.info("Refused DPS client {} from {}: its client id is not the registration id of its user name ({})",
                    MqttConnectionHandler.printable(clientId), endpoint.remoteAddress(), MqttConnectionHandler.printable(user.registrationId()));
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        Context context = Vertx.currentContext();
        List<X509Certificate> chain = password == null ? peer.chain() : List.of();
        PendingConnect pending = PendingConnect.watch(endpoint);
        context.executeBlocking(() -> !chain.isEmpty()
                        ? registrations.authenticateCertificate(user.idScope(), user.registrationId(), chain)
                        : registrations.authenticate(user.idScope(), user.registrationId(), password))
                .onComplete(done -> {
                    if (pending.clientLeft()) {
                        LOG.debug("DPS client {} left before its CONNECT was answered",
                                MqttConnectionHandler.printable(clientId));
                        return;
                    }
                    if (done.failed()) {
                        if (!(done.cause() instanceof IotHubError)) {
                            LOG.error("DPS client {}: authentication failed", MqttConnectionHandler.printable(clientId),
                                    done.cause());
                        }
                        // The reason was logged where it was found.
                        endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
                        return;
                    }
                    accept(endpoint, context, done.result(), password);
                });
    }

    private void accept(MqttEndpoint endpoint, Context context, AttestedDevice device, String password) {
        Session session = new Session(endpoint, context, device);
        endpoint.publishAutoAck(false);
        endpoint.subscribeHandler(subscribe -> onSubscribe(session, subscribe));
        endpoint.unsubscribeHandler(unsubscribe -> {
            if (unsubscribe.topics().contains(ProvisioningTopics.RESPONSE_FILTER)) {
                session.subscribed.set(false);
            }
            endpoint.unsubscribeAcknowledge(unsubscribe.messageId());
        });
        endpoint.publishHandler(message -> onPublish(session, message));
        endpoint.exceptionHandler(error -> {
            LOG.debug("DPS connection of {} failed", device.registrationId(), error);
            // A failure can follow the close it caused (bytes after a refused packet); closing twice throws.
            if (endpoint.isConnected()) {
                endpoint.close();
            }
        });
        long expiresAt = device.certificate() != null
                ? device.certificate().getNotAfter().toInstant().getEpochSecond() : expiry(password);
        SasTokenExpiry expiry = SasTokenExpiry.start(context.owner(), clock, expiresAt, () -> {
            LOG.info("The {} of DPS client {} expired; closing its MQTT connection",
                    device.certificate() != null ? "certificate" : "SAS token", device.registrationId());
            endpoint.close();
        });
        endpoint.closeHandler(ignored -> {
            expiry.cancel();
            LOG.debug("DPS client {} disconnected", device.registrationId());
        });
        // DPS keeps no session: whatever the client asked for, none is present.
        endpoint.accept(false);
        LOG.info("DPS client {} connected from {}", device.registrationId(), endpoint.remoteAddress());
    }

    private static long expiry(String password) {
        try {
            return SasToken.parse(password).expiresAtEpochSecond();
        } catch (InvalidSasTokenException e) {
            throw new IllegalStateException("an authenticated token no longer parses", e);
        }
    }

    /** One DPS connection: its device, whether it listens for answers, the requests it has open. */
    private static final class Session {
        final MqttEndpoint endpoint;
        final Context context;
        final AttestedDevice device;
        final AtomicBoolean subscribed = new AtomicBoolean();
        final AtomicInteger inFlight = new AtomicInteger();

        Session(MqttEndpoint endpoint, Context context, AttestedDevice device) {
            this.endpoint = endpoint;
            this.context = context;
            this.device = device;
        }
    }

    private void onSubscribe(Session session, MqttSubscribeMessage subscribe) {
        List<MqttQoS> granted = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.topicSubscriptions()) {
            if (ProvisioningTopics.RESPONSE_FILTER.equals(subscription.topicName())) {
                session.subscribed.set(true);
                granted.add(subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE
                        ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE);
            } else {
                LOG.info("DPS client {} may not subscribe to {}", session.device.registrationId(),
                        MqttConnectionHandler.printable(subscription.topicName()));
                granted.add(MqttQoS.FAILURE);
            }
        }
        session.endpoint.subscribeAcknowledge(subscribe.messageId(), granted);
    }

    private void onPublish(Session session, MqttPublishMessage message) {
        if (message.qosLevel() == MqttQoS.EXACTLY_ONCE) {
            close(session, "QoS 2 is not supported");
            return;
        }
        Optional<ProvisioningTopics.Request> request = ProvisioningTopics.request(message.topicName());
        if (request.isEmpty()) {
            close(session, "publish on a topic that is no DPS request: " + MqttConnectionHandler.printable(message.topicName()));
            return;
        }
        if (session.inFlight.incrementAndGet() > MAX_REQUESTS_IN_FLIGHT) {
            close(session, "more than " + MAX_REQUESTS_IN_FLIGHT + " requests at once");
            return;
        }
        if (message.qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            session.endpoint.publishAcknowledge(message.messageId());
        }
        String body = message.payload().toString(StandardCharsets.UTF_8);
        ProvisioningTopics.Request asked = request.get();
        long arrived = System.nanoTime();
        session.context.executeBlocking(() -> answer(session.device, asked, body))
                .onComplete(done -> {
                    Answer answer = done.succeeded() ? done.result() : failed(session, done.cause());
                    long waitMillis = MIN_ANSWER_DELAY.toMillis() - (System.nanoTime() - arrived) / 1_000_000;
                    if (waitMillis > 0) {
                        session.context.owner().setTimer(waitMillis,
                                ignored -> respond(session, asked.requestId(), answer));
                    } else {
                        respond(session, asked.requestId(), answer);
                    }
                });
    }

    private record Answer(int status, Integer retryAfterSeconds, JsonObject body) {
    }

    private Answer answer(AttestedDevice device, ProvisioningTopics.Request request, String body) {
        try {
            RegistrationOperation operation = switch (request.operation()) {
                case REGISTER -> {
                    ProvisioningJson.RegisterRequest parsed = ProvisioningJson.registerRequest(body);
                    String registrationId = parsed.registrationId() == null
                            ? device.registrationId() : parsed.registrationId();
                    yield registrations.register(device, registrationId, parsed.payload());
                }
                case OPERATION_STATUS -> registrations.operationStatus(device, request.operationId());
            };
            return operation.inProgress()
                    ? new Answer(202, DeviceRegistrations.RETRY_AFTER_SECONDS, ProvisioningJson.operation(operation))
                    : new Answer(200, null, ProvisioningJson.operation(operation));
        } catch (IotHubError e) {
            LOG.info("DPS client {}: {} answered {} {} ({})", device.registrationId(), request.operation(),
                    e.httpStatus(), e.errorCode(), e.getMessage());
            return new Answer(e.httpStatus(), null, ProvisioningJson.error(e, clock.instant()));
        }
    }

    private Answer failed(Session session, Throwable cause) {
        LOG.error("DPS request of {} failed", session.device.registrationId(), cause);
        IotHubError error = new IotHubError(500, 500001, "The local hub failed: " + cause.getMessage());
        return new Answer(500, null, ProvisioningJson.error(error, clock.instant()));
    }

    private static void respond(Session session, String requestId, Answer answer) {
        session.inFlight.decrementAndGet();
        if (!session.subscribed.get() || !session.endpoint.isConnected()) {
            LOG.debug("DPS client {} does not listen for the answer to {}", session.device.registrationId(),
                    requestId);
            return;
        }
        session.endpoint.publish(ProvisioningTopics.response(answer.status(), requestId, answer.retryAfterSeconds()),
                Buffer.buffer(answer.body().toString()), MqttQoS.AT_MOST_ONCE, false, false);
    }

    private static void close(Session session, String why) {
        LOG.warn("Closing the DPS connection of {}: {}", session.device.registrationId(), why);
        session.endpoint.close();
    }
}
