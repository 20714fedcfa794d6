package io.github.iothubquickstart.localhub.amqp;

import io.vertx.core.net.NetSocket;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an AMQP socket's failures log. vertx-proton sets no exception handler on its sockets, so Vert.x logged each
 * at ERROR ({@code ConnectionBase - recvAddress(..) failed with error(-104): Connection reset by peer}) whenever a
 * client dropped its connection without closing it, which the Azure SDKs do when they give up on one: not the hub's
 * error. The close that follows is handled as any disconnect; a failure other than I/O is still a warning.
 */
final class SocketFailures {
    private static final Logger LOG = LoggerFactory.getLogger(SocketFailures.class);

    private SocketFailures() {
    }

    static void install(NetSocket socket) {
        socket.exceptionHandler(failure -> {
            if (failure instanceof IOException) {
                LOG.debug("AMQP connection from {} failed: {}", socket.remoteAddress(), failure.getMessage());
            } else {
                LOG.warn("AMQP connection from {} failed: {}", socket.remoteAddress(), failure.toString());
            }
        });
    }
}
