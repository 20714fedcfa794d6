package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.vertx.proton.ProtonLink;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * What the parts of one client's AMQP connection ({@link TokenGrants}, {@link DeviceLinks}, {@link ServiceLinks}) need
 * of the connection they serve ({@link AmqpClientConnection}). Everything runs on the connection's event loop.
 */
interface ConnectionScope {
    /** The client, for the log. */
    String who();

    /** Whether the connection has ended: frames still read then must grant nothing. */
    boolean ended();

    /** Runs a handler; one that throws closes the connection and the hub goes on. */
    void guarded(Runnable handler);

    /** Refuses a link as IoT Hub does, and logs why. */
    void refuse(ProtonLink<?> link, String address, Symbol condition, String description);

    /** A new grant: the connection is authenticated while it lasts. */
    void granted();

    /** A grant ended: with none left, the connection has as long as a new one to put a token. */
    void grantEnded();

    /** IoT Hub's fault injection, asked for by a device of this connection. */
    void suffer(AmqpDeviceConnection device, ConnectionFault fault, String reason);
}
