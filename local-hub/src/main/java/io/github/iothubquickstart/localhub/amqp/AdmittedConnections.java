package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.vertx.core.Handler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import io.vertx.proton.sasl.ProtonSaslAuthenticatorFactory;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each AMQP connection in the process's {@link DescriptorBudget} as its socket reaches SASL (the first place
 * vertx-proton shows the socket), and refuses one past the budget as IoT Hub refuses a connection it has no room for:
 * an open, then a close with {@code amqp:resource-limit-exceeded}, and the socket closed.
 */
final class AdmittedConnections {
    private static final Logger LOG = LoggerFactory.getLogger(AdmittedConnections.class);
    private static final String REFUSED = "localhub.out-of-descriptors";

    private final DescriptorBudget descriptors;

    AdmittedConnections(DescriptorBudget descriptors) {
        this.descriptors = descriptors;
    }

    /** {@code authenticators}, each also counting its connection's socket first. */
    ProtonSaslAuthenticatorFactory counting(ProtonSaslAuthenticatorFactory authenticators) {
        return () -> {
            ProtonSaslAuthenticator authenticator = authenticators.create();
            return new ProtonSaslAuthenticator() {
                @Override
                public void init(NetSocket socket, ProtonConnection connection,
                                 org.apache.qpid.proton.engine.Transport transport) {
                    if (!descriptors.admit(((NetSocketInternal) socket).channelHandlerContext().channel(),
                            DescriptorBudget.Use.DEVICE)) {
                        connection.attachments().set(REFUSED, Boolean.class, Boolean.TRUE);
                    }
                    authenticator.init(socket, connection, transport);
                }

                @Override
                public void process(Handler<Boolean> completionHandler) {
                    authenticator.process(completionHandler);
                }

                @Override
                public boolean succeeded() {
                    return authenticator.succeeded();
                }
            };
        };
    }

    /** {@code handler} for connections the budget admitted; the others are refused. */
    Handler<ProtonConnection> admitted(Handler<ProtonConnection> handler, String containerId) {
        return connection -> {
            if (connection.attachments().get(REFUSED, Boolean.class) == null) {
                handler.handle(connection);
                return;
            }
            LOG.debug("Refused an AMQP connection from {}: out of file descriptors", RefusedLinks.who(connection));
            // Answered at once, not after the client's open: a client that never sends one holds no descriptor.
            connection.setContainer(containerId);
            connection.setCondition(new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED,
                    "The hub is out of file descriptors and takes no more connections now; retry later."));
            connection.open();
            connection.close();
            connection.disconnect();
        };
    }
}
