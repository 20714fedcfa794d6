package io.github.iothubquickstart.localhub.amqp;

import io.vertx.proton.ProtonLink;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;

/** How a client connection's links end: with the peer, or detached by the hub. */
final class PeerClosedLinks {
    private PeerClosedLinks() {
    }

    /** A link the peer closes or detaches is closed here too and forgotten by the grant it was attached under. */
    static void follow(ProtonLink<?> link, Consumer<ProtonLink<?>> owner) {
        link.closeHandler(closed -> {
            if (owner != null) {
                owner.accept(link);
            }
            link.close();
        });
        link.detachHandler(detached -> {
            if (owner != null) {
                owner.accept(link);
            }
            link.detach();
        });
    }

    /** The hub ends the link with {@code amqp:link:detach-forced} and the reason (fault injection). */
    static void detach(ProtonLink<?> link, String reason) {
        link.setCondition(new ErrorCondition(LinkError.DETACH_FORCED, reason));
        link.close();
    }
}
