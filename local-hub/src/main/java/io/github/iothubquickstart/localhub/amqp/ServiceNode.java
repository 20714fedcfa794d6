package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * A node the hub serves back-ends on its AMQP endpoint (cloud-to-device messages, their feedback, ...), beside the
 * devices' own nodes. Before a node sees a link, the connection has checked that the link's address is the node's and
 * that a token put on this connection holds the node's right; the node sets the link's handlers and opens it, or
 * refuses it through {@link ServiceLink#refuse}. Runs on the connection's event loop.
 */
interface ServiceNode {

    /** Whether links to or from {@code address} are this node's. */
    boolean serves(String address);

    /** The right a policy needs to attach to this node (IoT Hub: ServiceConnect for messaging). */
    AccessRight requiredRight();

    /**
     * Whether an {@code amqp://<hub host>/<path>} token audience with this path names this node (or what it belongs
     * to), as Event Hubs clients put them; such tokens are accepted on $cbs only for paths some node covers.
     */
    default boolean coversAudience(String path) {
        return false;
    }

    /**
     * Whether the node checks a token carried in each request itself (Event Hubs' $management takes a
     * {@code security_token} per request and its clients put none on $cbs first): then links attach without one, and
     * {@link ServiceLink#policyName()} is null.
     */
    default boolean checksEachRequest() {
        return false;
    }

    /** A link on which the back-end sends to the hub; refused unless the node takes messages. */
    default void attach(ProtonReceiver receiver, ServiceLink link) {
        link.refuse(AmqpError.NOT_ALLOWED, DeviceAddresses.printable(link.address())
                + " only takes links on which the hub sends.");
    }

    /** A link on which the hub sends to the back-end; refused unless the node sends messages. */
    default void attach(ProtonSender sender, ServiceLink link) {
        link.refuse(AmqpError.NOT_ALLOWED, DeviceAddresses.printable(link.address())
                + " only takes links on which the back-end sends.");
    }
}
