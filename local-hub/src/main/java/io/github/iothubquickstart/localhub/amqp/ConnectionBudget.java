package io.github.iothubquickstart.localhub.amqp;

import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * How many sessions and links one AMQP connection may hold open ({@code HubLimits}): what one client makes the hub
 * keep, and work for (Proton-J's cost per frame grows with the links of a connection). Confined to the connection's
 * event loop.
 */
final class ConnectionBudget {
    private final int maxSessions;
    private final int maxLinks;
    private int sessions;
    /** Links admitted; those closed since are dropped when the list is full (a detached one counts until closed). */
    private final List<ProtonLink<?>> links = new ArrayList<>();

    ConnectionBudget(int maxSessions, int maxLinks) {
        if (maxSessions < 1 || maxLinks < 1) {
            throw new IllegalArgumentException("An AMQP connection takes at least one session and one link.");
        }
        this.maxSessions = maxSessions;
        this.maxLinks = maxLinks;
    }

    int maxSessions() {
        return maxSessions;
    }

    int maxLinks() {
        return maxLinks;
    }

    boolean admitSession() {
        if (sessions >= maxSessions) {
            return false;
        }
        sessions++;
        return true;
    }

    void sessionEnded() {
        sessions = Math.max(0, sessions - 1);
    }

    /**
     * Opens a session the client began, counted until it ends; past the budget refuses it as IoT Hub does (begin, then
     * end with {@code amqp:resource-limit-exceeded}) and returns false.
     */
    boolean open(ProtonSession session) {
        if (!admitSession()) {
            session.setCondition(new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED,
                    "A connection may have at most " + maxSessions + " sessions."));
            session.open();
            session.close();
            return false;
        }
        session.closeHandler(closed -> {
            sessionEnded();
            session.close();
        });
        session.open();
        return true;
    }

    boolean admitLink(ProtonLink<?> link) {
        if (links.size() >= maxLinks) {
            links.removeIf(admitted -> !admitted.isOpen());
        }
        if (links.size() >= maxLinks) {
            return false;
        }
        links.add(link);
        return true;
    }

    /** Whether a link other than {@code except} is still open. */
    boolean holdsLinksBesides(List<ProtonLink<?>> except) {
        links.removeIf(admitted -> !admitted.isOpen());
        return links.stream().anyMatch(link -> !except.contains(link));
    }
}
