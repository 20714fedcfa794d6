package io.vertx.proton.impl;

import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonSession;
import java.util.List;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * Ends a session and its links in one write: every detach, then the end, reach the client together.
 *
 * <p>vertx-proton writes to the socket on each {@code close()}, so closing N links and their session one by one sends
 * N + 1 separate writes. A client may then act on the first detach before the end arrives: the Java device SDK 2.5.0
 * with a multiplexed connection begins the device's new session at once, on the channel the old one freed, and when the
 * late end of the old session arrives it tears that new session down too; the hub's answer to its begin then finds no
 * session and Proton-J fails the whole connection ("uncorrelated channel"), dropping every multiplexed device. Closing
 * the links on the engine (no write) and the session through vertx-proton (one flush) writes them all at once.
 *
 * <p>It lives in vertx-proton's package for the engine link, which {@code ProtonLinkImpl} keeps protected (see
 * {@link AdoptedProtonConnections} for the same reason).
 */
public final class SessionTeardown {
    private SessionTeardown() {
    }

    /** Closes {@code links} and then {@code session}, ending it with {@code condition}; on the connection's event loop. */
    public static void end(ProtonSession session, List<ProtonLink<?>> links, ErrorCondition condition) {
        for (ProtonLink<?> link : links) {
            ((ProtonLinkImpl<?>) link).link.close();
        }
        session.setCondition(condition);
        session.close();
    }
}
