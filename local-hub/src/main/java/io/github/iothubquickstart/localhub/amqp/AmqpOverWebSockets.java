package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.websocket.WebSocketSubprotocol;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.proton.ProtonTransportOptions;
import io.vertx.proton.impl.AdoptedProtonConnections;

/**
 * AMQP over WebSockets (the Azure SDKs' AMQPS_WS), as IoT Hub serves it on its HTTPS port: the subprotocol
 * {@code AMQPWSB10} of the devices' WebSocket endpoint, after which the connection is an AMQP connection like one on
 * port 5671 (the same SASL exchange, or none, and deadline, then tokens on $cbs), handled by the same
 * {@link AmqpConnectionHandler}.
 */
public final class AmqpOverWebSockets implements WebSocketSubprotocol {
    /** The subprotocol of the AMQP WebSocket Binding 1.0, as the Azure SDKs ask for it. */
    static final String SUBPROTOCOL = "AMQPWSB10";
    /**
     * The Java device SDK's WebSocket layer (qpid-proton-j-extensions) buffers up to 256 KB per frame, header included
     * (the SDK's MAX_MESSAGE_PAYLOAD_SIZE), though it writes frames of at most 4 KB (its reactor's frame size); a
     * client that puts one AMQP frame in each WebSocket frame needs the hub's max frame size and a little. This takes
     * both and bounds what one frame makes the hub buffer; the AMQP frames inside are bounded by the max frame size.
     */
    static final int MAX_WEBSOCKET_FRAME_BYTES = 256 * 1024;

    private final AmqpConnectionHandler handler;
    private final String hostName;

    AmqpOverWebSockets(AmqpConnectionHandler handler, String hostName) {
        this.handler = handler;
        this.hostName = hostName;
    }

    @Override
    public String name() {
        return SUBPROTOCOL;
    }

    @Override
    public int maxFramePayloadBytes() {
        return MAX_WEBSOCKET_FRAME_BYTES;
    }

    @Override
    public void serve(NetSocketInternal socket, PeerCertificates peer) {
        // The same SASL exchange as on 5671, with its deadline: the upgrade took the HTTPS idle timeout away.
        AdoptedProtonConnections.serve(Vertx.currentContext().owner(), socket, hostName,
                new ProtonTransportOptions().setMaxFrameSize(AmqpDeviceServer.MAX_FRAME_BYTES),
                handler.saslAuthenticator(peer), handler::handle);
    }
}
