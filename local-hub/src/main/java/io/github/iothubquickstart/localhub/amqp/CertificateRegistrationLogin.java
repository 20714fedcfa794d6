package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.AttestedDevice;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The X.509 login of a Device Provisioning Service client on AMQP, as the provisioning SDKs open it: no SASL, then
 * links to {@code {idScope}/registrations/{registrationId}} on a connection whose TLS handshake presented the device's
 * certificate. Its first such link hands the connection over here ({@link AmqpClientConnection}); the provisioning
 * core attests the chain off the event loop ({@link DeviceRegistrations#authenticateCertificate}) while the client's
 * further links wait, then the connection becomes an {@link AmqpRegistrationConnection} until the certificate expires.
 * A refusal (its reason logged by the core) is DPS's 401002 error JSON, answered to each request of the client's
 * registration links, as the Java SDK reads it (a closed connection would leave it waiting a minute to open); the
 * connection is closed after the authentication timeout.
 */
final class CertificateRegistrationLogin {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRegistrationLogin.class);
    /** Links a client may open while its certificate is checked: the SDKs open two. */
    private static final int MAX_WAITING_LINKS = 4;

    private final Vertx vertx;
    private final Clock clock;
    private final DeviceRegistrations registrations;
    private final String containerId;
    private final Duration authenticationTimeout;

    CertificateRegistrationLogin(Vertx vertx, Clock clock, DeviceRegistrations registrations, String containerId,
                                 Duration authenticationTimeout) {
        this.vertx = vertx;
        this.clock = clock;
        this.registrations = registrations;
        this.containerId = containerId;
        this.authenticationTimeout = authenticationTimeout;
    }

    /** Runs on the connection's event loop, from its first link to a registration's address. */
    void take(ProtonConnection connection, ProtonLink<?> first, RegistrationAddress address, PeerCertificates peer,
              ConnectionBudget budget) {
        Context context = vertx.getOrCreateContext();
        List<ProtonLink<?>> waiting = new ArrayList<>(List.of(first));
        boolean[] gone = {false};
        Consumer<ProtonLink<?>> hold = link -> {
            if (waiting.size() >= MAX_WAITING_LINKS) {
                RefusedLinks.refuse(link, AmqpError.RESOURCE_LIMIT_EXCEEDED, "Wait for the registration's links.");
            } else {
                waiting.add(link);
            }
        };
        connection.receiverOpenHandler(hold::accept);
        connection.senderOpenHandler(hold::accept);
        connection.closeHandler(closed -> {
            gone[0] = true;
            connection.close();
            connection.disconnect();
        });
        connection.disconnectHandler(lost -> {
            gone[0] = true;
            lost.disconnect();
        });
        context.executeBlocking(() -> registrations.authenticateCertificate(address.idScope(),
                address.registrationId(), peer.chain()), false).onComplete(done -> {
            if (gone[0]) {
                return;
            }
            if (done.failed()) {
                if (!(done.cause() instanceof IotHubError)) {
                    LOG.error("DPS registration {}: X.509 attestation failed", address, done.cause());
                }
                answerRefusals(connection, waiting, address, gone, budget);
                return;
            }
            AttestedDevice device = done.result();
            long expiresAt = device.certificate().getNotAfter().toInstant().getEpochSecond();
            AmqpRegistrationConnection registration = new AmqpRegistrationConnection(connection, vertx, context,
                    clock, registrations, new RegistrationLogin.Granted(device, address, expiresAt), budget);
            registration.start(containerId);
            LOG.info("DPS registration {} connected over AMQP with its X.509 certificate from {}", address,
                    RefusedLinks.who(connection));
            waiting.forEach(registration::attach);
        });
    }

    /** The registration's own links opened, each request answered with the refusal; any other link refused. */
    private void answerRefusals(ProtonConnection connection, List<ProtonLink<?>> waiting, RegistrationAddress address,
                                boolean[] gone, ConnectionBudget budget) {
        ProtonSender[] answers = {null};
        Consumer<ProtonLink<?>> open = link -> {
            String linkAddress = link instanceof ProtonReceiver receiver
                    ? (receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress())
                    : (link.getRemoteSource() == null ? null : link.getRemoteSource().getAddress());
            if (!address.isAddressedBy(linkAddress)) {
                RefusedLinks.refuse(link, AmqpError.UNAUTHORIZED_ACCESS, "This connection's certificate attests"
                        + " nothing.");
                return;
            }
            if (!budget.admitLink(link)) {
                RefusedLinks.refuse(link, AmqpError.RESOURCE_LIMIT_EXCEEDED,
                        "A connection may have at most " + budget.maxLinks() + " links open.");
                return;
            }
            if (link instanceof ProtonReceiver receiver) {
                receiver.setTarget(receiver.getRemoteTarget());
                receiver.setMaxMessageSize(UnsignedLong.valueOf(AmqpRegistrationConnection.MAX_REQUEST_BYTES));
                receiver.handler((delivery, message) -> {
                    if (answers[0] != null && answers[0].isOpen()) {
                        answers[0].send(RegistrationAnswers.refusal(ProvisioningErrors.unauthorized(),
                                RegistrationRequest.correlationId(message), clock.instant()));
                    }
                });
                receiver.open();
            } else if (link instanceof ProtonSender sender) {
                sender.setSource(sender.getRemoteSource());
                sender.setQoS(ProtonQoS.AT_MOST_ONCE);
                sender.open();
                answers[0] = sender;
            }
        };
        connection.receiverOpenHandler(open::accept);
        connection.senderOpenHandler(open::accept);
        waiting.forEach(open);
        vertx.setTimer(Math.max(1, authenticationTimeout.toMillis()), fired -> {
            if (gone[0]) {
                return;
            }
            connection.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS,
                    "The client certificate does not attest registration " + address.registrationId() + "."));
            connection.close();
            connection.disconnect();
        });
    }
}
