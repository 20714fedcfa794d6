package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.eventloop.ReadBackPressure;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import java.time.Duration;
import java.util.Optional;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL exchange of one AMQP connection, on every AMQP listener (5671, the plain 5672, WebSockets): ANONYMOUS, as
 * the Azure SDKs open it (their token follows on $cbs), or PLAIN with a SAS token as the password
 * ({@link SaslPlainLogin}; the claim goes to the connection's attachments under {@link #CLAIM} for
 * {@link AmqpClientConnection} to grant), or PLAIN as a Device Provisioning Service client with a symmetric key logs
 * in (user {@code {idScope}/registrations/{registrationId}}: {@link RegistrationLogin}; the grant goes under
 * {@link RegistrationLogin#GRANTED} for {@link AmqpRegistrationConnection}). Or none: a client that starts with the
 * plain AMQP header instead of the SASL one (the Node SDKs, rhea; the Java SDK with an X.509 certificate) skips SASL,
 * as IoT Hub allows, and is then exactly like an ANONYMOUS one: no identity until its put-token on $cbs, or its TLS
 * client certificate ({@link #PEER}). Proton-J's server SASL layer decides this by the client's first 8 bytes ({@code allowSkip});
 * the skip is seen here once the client's AMQP open arrived with no SASL mechanism chosen. A client that has neither
 * finished SASL nor opened without it within the authentication timeout is closed: until then nothing else would ever
 * close it. Being the one piece every AMQP listener hands its socket to, it
 * also installs {@link ReadBackPressure} there: credit bounds what an honest client sends, not what one that ignores
 * credit and never reads would make the hub answer.
 */
final class HubSaslAuthenticator implements ProtonSaslAuthenticator {
    /** Where a PLAIN login's claim waits for the connection handler. */
    static final String CLAIM = "localhub.sasl-plain-claim";
    /** Where the connection's TLS client certificate chain waits for the links that log in with it (X.509). */
    static final String PEER = "localhub.peer-certificates";
    /** Where the connection's {@link ReadBackPressure} waits for the links that send unasked (Event Hubs receivers). */
    static final String WRITES = "localhub.read-back-pressure";
    /** The connection's socket, for a fault that kills it ({@code KillTcp}). */
    static final String SOCKET = "localhub.socket";
    static final String ANONYMOUS = "ANONYMOUS";
    static final String PLAIN = "PLAIN";
    private static final Logger LOG = LoggerFactory.getLogger(HubSaslAuthenticator.class);

    private final Vertx vertx;
    private final Duration deadline;
    private final SaslPlainLogin plain;
    /** Null where Device Provisioning Service clients are not served (the Event Hubs emulator's plain listener). */
    private final RegistrationLogin registrations;
    private final PeerCertificates peer;
    private Sasl sasl;
    private ProtonConnection connection;
    private NetSocket socket;
    private long deadlineTimer = -1;
    private boolean succeeded;

    /**
     * @param registrations null where DPS clients are not served
     * @param peer the client's certificates; null: those of the socket's own TLS session
     */
    HubSaslAuthenticator(Vertx vertx, Duration deadline, SaslPlainLogin plain, RegistrationLogin registrations,
                         PeerCertificates peer) {
        this.vertx = vertx;
        this.deadline = deadline;
        this.plain = plain;
        this.registrations = registrations;
        this.peer = peer;
    }

    @Override
    public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
        this.socket = socket;
        this.connection = connection;
        SocketFailures.install(socket);
        // Read by the first link that logs in with it: the Azure SDKs' X.509 devices skip SASL and $cbs.
        connection.attachments().set(PEER, PeerCertificates.class,
                peer != null ? peer : PeerCertificates.of(socket::sslSession));
        connection.attachments().set(SOCKET, NetSocket.class, socket);
        if (socket instanceof NetSocketInternal internal) {
            connection.attachments().set(WRITES, ReadBackPressure.class, ReadBackPressure.install(internal));
        }
        this.sasl = transport.sasl();
        sasl.server();
        // Proton-J waits for the client's header: the SASL header gets SASL, the AMQP header goes straight to AMQP.
        sasl.allowSkip(true);
        sasl.setMechanisms(ANONYMOUS, PLAIN);
        deadlineTimer = vertx.setTimer(Math.max(1, deadline.toMillis()), fired -> {
            deadlineTimer = -1;
            LOG.info("Closing AMQP connection from {}: no SASL exchange or AMQP open within {} s",
                    socket.remoteAddress(), deadline.toSeconds());
            socket.close();
        });
    }

    @Override
    public void process(Handler<Boolean> completionHandler) {
        String[] chosen = sasl.getRemoteMechanisms();
        if (chosen.length == 0) {
            // Proton-J passes AMQP frames on before SASL is done only when the client skipped SASL: its open is the sign.
            if (connection.getRemoteState() != EndpointState.UNINITIALIZED) {
                succeeded = true;
                cancelDeadline();
                completionHandler.handle(true);
                return;
            }
            completionHandler.handle(false);
            return;
        }
        if (ANONYMOUS.equals(chosen[0])) {
            succeeded = true;
        } else if (PLAIN.equals(chosen[0])) {
            Optional<SaslPlainResponse> response = plainResponse();
            if (response.isPresent() && registrations != null && RegistrationLogin.isRegistration(response.get())) {
                loginRegistration(response.get(), completionHandler);
                return;
            }
            succeeded = response.isPresent() && login(response.get());
        } else {
            LOG.info("Refused SASL mechanism {} from {}", DeviceAddresses.printable(chosen[0]), socket.remoteAddress());
        }
        sasl.done(succeeded ? Sasl.SaslOutcome.PN_SASL_OK : Sasl.SaslOutcome.PN_SASL_AUTH);
        cancelDeadline();
        completionHandler.handle(true);
    }

    private void cancelDeadline() {
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    /** The client's PLAIN response, or empty (logged) when it is too long or not one. */
    private Optional<SaslPlainResponse> plainResponse() {
        int pending = sasl.pending();
        if (pending > SaslPlainResponse.MAX_BYTES) {
            LOG.info("Refused SASL PLAIN from {}: the response is {} bytes", socket.remoteAddress(), pending);
            return Optional.empty();
        }
        byte[] response = new byte[Math.max(0, pending)];
        sasl.recv(response, 0, response.length);
        Optional<SaslPlainResponse> parsed = SaslPlainResponse.parse(response);
        if (parsed.isEmpty()) {
            LOG.info("Refused SASL PLAIN from {}: not a SASL PLAIN response (authzid NUL user NUL password)",
                    socket.remoteAddress());
        }
        return parsed;
    }

    private boolean login(SaslPlainResponse response) {
        ClaimsBasedSecurity.Decision decision = plain.decide(response);
        if (decision.claim() == null) {
            LOG.info("Refused SASL PLAIN from {}: {}", socket.remoteAddress(), decision.reason());
            return false;
        }
        connection.attachments().set(CLAIM, ClaimsBasedSecurity.Claim.class, decision.claim());
        return true;
    }

    /**
     * A Device Provisioning Service client: its enrollment is read from the store off the event loop, the socket
     * paused meanwhile (vertx-proton), and the outcome sent when known.
     */
    private void loginRegistration(SaslPlainResponse response, Handler<Boolean> completionHandler) {
        registrations.login(vertx.getOrCreateContext(), response).onComplete(result -> {
            if (result.succeeded()) {
                succeeded = true;
                connection.attachments().set(RegistrationLogin.GRANTED, RegistrationLogin.Granted.class,
                        result.result());
            } else if (!(result.cause() instanceof IotHubError)) {
                LOG.warn("Refused SASL PLAIN of a DPS registration from {} after an unexpected error",
                        socket.remoteAddress(), result.cause());
            }
            sasl.done(succeeded ? Sasl.SaslOutcome.PN_SASL_OK : Sasl.SaslOutcome.PN_SASL_AUTH);
            cancelDeadline();
            completionHandler.handle(true);
        });
    }

    @Override
    public boolean succeeded() {
        return succeeded;
    }
}
