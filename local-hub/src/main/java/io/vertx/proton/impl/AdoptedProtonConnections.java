package io.vertx.proton.impl;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonTransportOptions;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.Transport;

/**
 * Serves AMQP 1.0 on a socket that some other server accepted, as vertx-proton's own {@code ProtonServer} serves the
 * sockets of its {@code NetServer}: same engine, the SASL server the caller gives (as that server's authenticator
 * factory), the connection handed on once the authenticator says SASL succeeded (or that the client skipped it).
 *
 * <p>Why this class lives in vertx-proton's package: vertx-proton 5.0 binds a connection to a socket only behind its
 * own server ({@code ProtonConnectionImpl.bindServer} is package-private), and that server cannot share the HTTPS
 * port, where IoT Hub's devices open AMQP over WebSockets ({@code /$iothub/websocket}, subprotocol AMQPWSB10). The
 * local hub upgrades that request on its HTTPS server and hands the unframed byte stream here. The body mirrors
 * {@code ProtonServerImpl.connectHandler} of vertx-proton 5.0.7; an upgrade that changes it breaks the build here, and
 * {@code AmqpOverWebSocketsTest} runs the Azure SDK through it.
 */
public final class AdoptedProtonConnections {
    private AdoptedProtonConnections() {
    }

    /**
     * Binds a new server-side connection to {@code socket}, which must deliver and take plain AMQP bytes, and hands it
     * to {@code connectionHandler} once {@code authenticator} says the client's SASL exchange succeeded. Runs on the
     * socket's event loop.
     *
     * @param hostname the hostname the hub's AMQP open frame carries
     */
    public static void serve(Vertx vertx, NetSocket socket, String hostname, ProtonTransportOptions options,
                             ProtonSaslAuthenticator authenticator, Handler<ProtonConnection> connectionHandler) {
        ProtonConnectionImpl connection = new ProtonConnectionImpl(vertx, hostname, (ContextInternal) Vertx.currentContext());
        connection.setOfferedCapabilities(new Symbol[] {ProtonConnectionImpl.ANONYMOUS_RELAY});
        connection.bindServer(socket, new ProtonSaslAuthenticator() {
            @Override
            public void init(NetSocket netSocket, ProtonConnection protonConnection, Transport transport) {
                authenticator.init(netSocket, protonConnection, transport);
            }

            @Override
            public void process(Handler<Boolean> completionHandler) {
                authenticator.process(complete -> {
                    if (complete) {
                        if (succeeded()) {
                            connectionHandler.handle(connection);
                            connection.flush();
                        } else {
                            connection.flush();
                            connection.disconnect();
                        }
                    }
                    completionHandler.handle(complete);
                });
            }

            @Override
            public boolean succeeded() {
                return authenticator.succeeded();
            }
        }, options);
    }
}
