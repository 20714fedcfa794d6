package io.github.iothubquickstart.localhub.mqtt;

import io.vertx.mqtt.MqttEndpoint;

/**
 * Whether an MQTT client left while its CONNECT was answered off the event loop (authentication, a model id being
 * stored). vertx-mqtt throws on every handler or CONNACK set on a closed endpoint: the hub logged each as an unhandled
 * ERROR with its stack trace, and a device accepted that way stayed registered as connected. Watches from the CONNECT
 * on; whoever accepts the endpoint then sets its own close handler. Used on the connection's event loop only.
 */
final class PendingConnect {
    private boolean left;

    private PendingConnect() {
    }

    static PendingConnect watch(MqttEndpoint endpoint) {
        PendingConnect pending = new PendingConnect();
        endpoint.closeHandler(ignored -> pending.left = true);
        return pending;
    }

    boolean clientLeft() {
        return left;
    }
}
