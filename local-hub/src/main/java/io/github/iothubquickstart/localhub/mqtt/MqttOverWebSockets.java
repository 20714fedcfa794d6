package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.eventloop.ReadBackPressure;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.websocket.WebSocketSubprotocol;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.impl.AdoptedMqttConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over WebSockets, as IoT Hub serves it on its HTTPS port: the subprotocol {@code mqtt} of the devices' WebSocket
 * endpoint, after which the connection is an MQTT connection like one on port 8883, handled by the same
 * {@link MqttConnectionHandler} (same authentication, topic rules, sessions and features).
 */
public final class MqttOverWebSockets implements WebSocketSubprotocol {
    private static final Logger LOG = LoggerFactory.getLogger(MqttOverWebSockets.class);

    private final MqttServerOptions options;
    private final MqttConnectionHandler handler;

    MqttOverWebSockets(MqttServerOptions options, MqttConnectionHandler handler) {
        this.options = options;
        this.handler = handler;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    /** Paho sends each MQTT packet as one frame, so a frame may be as large as the largest packet. */
    @Override
    public int maxFramePayloadBytes() {
        return options.getMaxMessageSize();
    }

    @Override
    public void serve(NetSocketInternal socket, PeerCertificates peer) {
        ReadBackPressure.install(socket);
        // MQTT's CONNECT timeout (set by AdoptedMqttConnections) is the deadline for a client that says nothing.
        AdoptedMqttConnections.serve(socket, options, (endpoint, userName) -> handler.handle(endpoint, userName, peer),
                error -> LOG.debug("MQTT over WebSockets connection failed before CONNECT", error));
    }
}
