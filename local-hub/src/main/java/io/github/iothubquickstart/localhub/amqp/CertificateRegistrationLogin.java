package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.AttestedDevice;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * A refusal closes the connection {@code amqp:unauthorized-access} (the reason is logged by the core).
 */
final class CertificateRegistrationLogin {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateRegistrationLogin.class);

    private final Vertx vertx;
    private final Clock clock;
    private final DeviceRegistrations registrations;
    private final String containerId;

    CertificateRegistrationLogin(Vertx vertx, Clock clock, DeviceRegistrations registrations, String containerId) {
        this.vertx = vertx;
        this.clock = clock;
        this.registrations = registrations;
        this.containerId = containerId;
    }

    /** Runs on the connection's event loop, from its first link to a registration's address. */
    void take(ProtonConnection connection, ProtonLink<?> first, RegistrationAddress address, PeerCertificates peer,
              ConnectionBudget budget) {
        Context context = vertx.getOrCreateContext();
        List<ProtonLink<?>> waiting = new ArrayList<>(List.of(first));
        boolean[] gone = {false};
        connection.receiverOpenHandler(waiting::add);
        connection.senderOpenHandler(waiting::add);
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
                connection.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS,
                        "The client certificate does not attest registration " + address.registrationId() + "."));
                connection.close();
                connection.disconnect();
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
}
