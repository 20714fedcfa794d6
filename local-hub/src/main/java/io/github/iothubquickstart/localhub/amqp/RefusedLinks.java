package io.github.iothubquickstart.localhub.amqp;

import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/** How the hub refuses a link a client asked for, and names the client in its log: the same on every connection. */
final class RefusedLinks {
    private RefusedLinks() {
    }

    /** An attach without a terminus, then the detach that says why: how AMQP refuses a link. */
    static void refuse(ProtonLink<?> link, Symbol condition, String description) {
        if (link instanceof ProtonReceiver receiver) {
            receiver.setTarget(null);
        } else if (link instanceof ProtonSender sender) {
            sender.setSource(null);
        }
        link.setCondition(new ErrorCondition(condition, description));
        link.open();
        link.close();
    }

    /** The client's AMQP container id, for the log: the socket is vertx-proton's own. */
    static String who(ProtonConnection connection) {
        String container = connection.getRemoteContainer();
        return container == null || container.isBlank()
                ? "an AMQP client" : "AMQP container " + DeviceAddresses.printable(container);
    }
}
