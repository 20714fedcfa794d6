package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.websocket.DeviceWebSockets;
import io.vertx.ext.web.Router;

/**
 * Devices' MQTT and AMQP over WebSockets (MQTT_WS, AMQPS_WS): one path on the HTTPS listener, the protocol chosen by
 * the WebSocket subprotocol, and that listener once more on the port the Azure device SDKs use for them (443).
 */
public final class WebSocketTransport {
    private final HubSettings settings;
    private final DeviceWebSockets webSockets;

    public WebSocketTransport(HubServices hub, MqttTransport mqtt, AmqpTransport amqp) {
        this.settings = hub.settings();
        this.webSockets = new DeviceWebSockets(java.util.List.of(mqtt.overWebSockets(), amqp.overWebSockets()));
    }

    /** Mounted last on the HTTPS listener. */
    public void mountOn(Router router) {
        webSockets.mountOn(router);
    }

    /**
     * The HTTPS endpoint once more on the WebSocket port, where it can: a hub without the right to bind port 443
     * says so in one line and goes on without MQTT and AMQP over WebSockets.
     *
     * @return the WebSocket port, or 0 when there is none besides the HTTPS port
     */
    public int listen(RestTransport https, int httpsPort) {
        int port = settings.webSocketPort();
        if (port == 0 || port == httpsPort) {
            return port;
        }
        return Listening.orSkip(https.listenAlsoOn(port), "MQTT or AMQP over WebSockets (MQTT_WS, AMQPS_WS)",
                settings, port, "--websocket-port 0");
    }
}
