package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.RegistrationOperation;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
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
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection of a Device Provisioning Service client that logged in with its registration's SAS token
 * ({@link RegistrationLogin}). It can do nothing but register that registration: two links, both addressed
 * {@code {idScope}/registrations/{registrationId}} (the client's requests on one, the hub's answers on the other);
 * any other link, $cbs included, is refused. Requests ({@link RegistrationRequest}) go to the provisioning core off the
 * event loop, one after another in arrival order; each is accepted and answered ({@link RegistrationAnswers}), or
 * rejected with DPS's error. The connection is closed when the token expires. Everything else runs on the
 * connection's event loop.
 */
final class AmqpRegistrationConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpRegistrationConnection.class);
    /** The registration JSON and its custom payload; DPS takes far less. */
    static final long MAX_REQUEST_BYTES = 64 * 1024;
    /** Requests a client may have sent and not had answered (more are refused, 429): the SDKs send one at a time. */
    private static final int REQUEST_CREDIT = 8;
    private static final long MAX_TIMER_MILLIS = Duration.ofDays(1).toMillis();

    private final ProtonConnection connection;
    private final Vertx vertx;
    private final Context context;
    private final Clock clock;
    private final DeviceRegistrations registrations;
    private final RegistrationLogin.Granted granted;
    private final ConnectionBudget budget;
    private ProtonSender answers;
    /** Requests handed to the core and not answered yet. */
    private int requestsInFlight;
    /** The last request handed to the core: the next waits for it. */
    private Future<?> previous = Future.succeededFuture();
    private long expiryTimer = -1;
    private boolean ended;

    AmqpRegistrationConnection(ProtonConnection connection, Vertx vertx, Context context, Clock clock,
                               DeviceRegistrations registrations, RegistrationLogin.Granted granted,
                               ConnectionBudget budget) {
        this.connection = connection;
        this.vertx = vertx;
        this.context = context;
        this.clock = clock;
        this.registrations = registrations;
        this.granted = granted;
        this.budget = budget;
    }

    void start(String containerId) {
        connection.openHandler(opened -> {
            connection.setContainer(containerId);
            connection.open();
            LOG.info("DPS registration {} connected over AMQP from {}", granted.address(),
                    RefusedLinks.who(connection));
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
                LOG.info("Refused a session of DPS registration {}: it has {} open", granted.address(),
                        budget.maxSessions());
            }
        });
        connection.receiverOpenHandler(this::onRequestLink);
        connection.senderOpenHandler(this::onAnswerLink);
        scheduleExpiry();
    }

    /** The link the client sends its requests on. */
    private void onRequestLink(ProtonReceiver receiver) {
        String address = receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress();
        if (!admitted(receiver, address)) {
            return;
        }
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_REQUEST_BYTES));
        receiver.setPrefetch(REQUEST_CREDIT);
        receiver.setAutoAccept(false);
        receiver.handler((delivery, message) -> onRequest(receiver, delivery, message));
        closeWithPeer(receiver);
        receiver.open();
    }

    /** The link the client receives the answers on. */
    private void onAnswerLink(ProtonSender sender) {
        String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
        if (!admitted(sender, address)) {
            return;
        }
        sender.setSource(sender.getRemoteSource());
        // Answers are settled when sent: a lost one is asked for again by the client's next poll.
        sender.setQoS(ProtonQoS.AT_MOST_ONCE);
        closeWithPeer(sender);
        sender.open();
        answers = sender;
    }

    /** Only the registration's own address, within the connection's link budget. */
    private boolean admitted(ProtonLink<?> link, String address) {
        if (!granted.address().isAddressedBy(address)) {
            refuse(link, address, AmqpError.UNAUTHORIZED_ACCESS, "This connection registers "
                    + granted.address() + " and may open links to that address only.");
            return false;
        }
        if (!budget.admitLink(link)) {
            refuse(link, address, AmqpError.RESOURCE_LIMIT_EXCEEDED,
                    "A connection may have at most " + budget.maxLinks() + " links open.");
            return false;
        }
        return true;
    }

    private void onRequest(ProtonReceiver receiver, ProtonDelivery delivery, Message message) {
        RegistrationRequest request;
        try {
            request = RegistrationRequest.parse(message);
        } catch (RegistrationRequest.InvalidRequestException e) {
            LOG.info("Rejected a DPS request of {} over AMQP: {}", granted.address(), e.getMessage());
            Dispositions.settle(receiver, delivery, RegistrationAnswers.rejection(
                    ProvisioningErrors.badRequest(e.getMessage()), clock.instant()));
            return;
        }
        if (requestsInFlight >= REQUEST_CREDIT) {
            LOG.info("Rejected a DPS request of {} over AMQP: {} requests already wait for their answers",
                    granted.address(), requestsInFlight);
            Dispositions.settle(receiver, delivery, RegistrationAnswers.rejection(new IotHubError(429, 429001,
                    "Too many requests at once: wait for the answers."), clock.instant()));
            return;
        }
        requestsInFlight++;
        // One after another: a client's answers go out in the order of its requests (the context's own ordering would
        // queue every connection of the event loop behind each other).
        Future<RegistrationOperation> answered = previous.transform(ignored ->
                context.executeBlocking(() -> handle(request), false));
        previous = answered;
        answered.onComplete(done -> {
            requestsInFlight--;
            if (done.succeeded()) {
                Dispositions.settle(receiver, delivery, Accepted.getInstance());
                send(RegistrationAnswers.answer(done.result(), request.correlationId()));
                return;
            }
            IotHubError error = done.cause() instanceof IotHubError refused ? refused : null;
            if (error == null) {
                LOG.warn("DPS request of {} over AMQP failed", granted.address(), done.cause());
                error = new IotHubError(500, 500000, "The local Device Provisioning Service could not handle the"
                        + " request.");
            } else if (error.errorCode() != ProvisioningErrors.unauthorized().errorCode()) {
                // A refused token was logged with its reason by the provisioning core.
                LOG.info("Rejected a DPS request of {} over AMQP: {} {}", granted.address(), error.errorCode(),
                        error.getMessage());
            }
            Dispositions.settle(receiver, delivery, RegistrationAnswers.rejection(error, clock.instant()));
        });
    }

    /** Runs off the event loop: the core reads and writes the registry and its store. */
    private RegistrationOperation handle(RegistrationRequest request) {
        if (request.operation() == RegistrationRequest.Operation.GET_OPERATION_STATUS) {
            return registrations.operationStatus(granted.device(), request.operationId());
        }
        ProvisioningJson.RegisterRequest body =
                ProvisioningJson.registerRequest(new String(request.body(), StandardCharsets.UTF_8));
        // Without a body (the C# SDK with nothing to say) the registration is the one the client logged in as.
        String registrationId = body.registrationId() != null ? body.registrationId()
                : granted.device().registrationId();
        return registrations.register(granted.device(), registrationId, body.payload());
    }

    private void send(Message answer) {
        if (answers == null || !answers.isOpen()) {
            LOG.info("No open answer link from DPS registration {}; its answer was not sent", granted.address());
            return;
        }
        answers.send(answer);
    }

    private void refuse(ProtonLink<?> link, String address, Symbol condition, String description) {
        LOG.info("Refused AMQP link to {} from DPS registration {}: {}", DeviceAddresses.printable(address),
                granted.address(), description);
        RefusedLinks.refuse(link, condition, description);
    }

    private static void closeWithPeer(ProtonLink<?> link) {
        link.closeHandler(closed -> link.close());
        link.detachHandler(detached -> link.detach());
    }

    /** The connection lives as long as the SAS token it logged in with, as DPS keeps it. */
    private void scheduleExpiry() {
        long untilExpiry = granted.expiresAtEpochSecond() * 1000 - clock.millis();
        expiryTimer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            expiryTimer = -1;
            if (ended) {
                return;
            }
            if (clock.instant().getEpochSecond() < granted.expiresAtEpochSecond()) {
                scheduleExpiry();
                return;
            }
            LOG.info("The SAS token of DPS registration {} on AMQP expired; closing its connection",
                    granted.address());
            end();
            connection.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "The SAS token expired."));
            connection.close();
            connection.disconnect();
        });
    }


    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (expiryTimer >= 0) {
            vertx.cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }
}
