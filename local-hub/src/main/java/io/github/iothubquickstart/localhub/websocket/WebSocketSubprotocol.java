package io.github.iothubquickstart.localhub.websocket;

import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.core.internal.net.NetSocketInternal;

/** A protocol the devices' WebSocket endpoint serves, chosen by the subprotocol the client asks for in its upgrade. */
public interface WebSocketSubprotocol {
    /** The {@code Sec-WebSocket-Protocol} token, as the Azure device SDKs send it ({@code mqtt}, {@code AMQPWSB10}). */
    String name();

    /** The largest WebSocket frame payload a client may send; a larger one closes the connection (1009) unread. */
    int maxFramePayloadBytes();

    /**
     * Serves one upgraded connection. The socket's pipeline already turns binary frames into bytes and each write
     * into one binary frame; runs on the connection's event loop before it reads another byte. The HTTPS idle timeout
     * is gone: the protocol sets its own deadline for a client that says nothing. {@code peer} is the client
     * certificate chain of the TLS connection, withheld when the upgrade said {@code iothub-no-client-cert=true}.
     */
    void serve(NetSocketInternal socket, PeerCertificates peer);
}
