package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.amqp.EventHubsEndpoint;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import java.util.List;

/**
 * Every transport, each installed on the core services by its own class: AMQP carries the Event Hubs-compatible
 * endpoint's nodes, the HTTPS listener the dashboard and the devices' WebSocket endpoint (MQTT's and AMQP's).
 */
public record Transports(MqttTransport mqtt, AmqpTransport amqp, EventHubsTransport eventHubs,
                         WebSocketTransport webSockets, RestTransport rest) {

    public static Transports install(HubServices hub) {
        EventHubsEndpoint eventHubs = EventHubsTransport.endpoint(hub);
        MqttTransport mqtt = new MqttTransport(hub);
        AmqpTransport amqp = new AmqpTransport(hub, eventHubs);
        WebSocketTransport webSockets = new WebSocketTransport(hub, mqtt, amqp);
        return new Transports(mqtt, amqp, new EventHubsTransport(hub, eventHubs, amqp), webSockets,
                new RestTransport(hub, new DashboardTransport(hub), webSockets));
    }

    /** The listeners devices connect to, stopped first so that none connects to a hub that is going away. */
    public List<Transport> deviceListeners() {
        return List.of(mqtt, amqp, eventHubs);
    }

    /** Where each listens, and on what, for the hub's one line at start. */
    public static String describe(HubServices hub, int mqttPort, int httpsPort, int webSocketPort, int amqpPort,
                                  int eventHubsPort) {
        HubSettings settings = hub.settings();
        String bind = settings.bindAddress();
        return "MQTT on " + bind + ":" + mqttPort + ", HTTPS on " + bind + ":" + httpsPort
                + ", MQTT and AMQP over WebSockets on "
                + (webSocketPort == 0 ? "the HTTPS port only" : bind + ":" + webSocketPort)
                + ", AMQP " + (amqpPort == 0 ? "off" : "on " + bind + ":" + amqpPort)
                + ", Event Hubs-compatible endpoint '" + settings.hubName() + "' (" + settings.partitions()
                + " partitions) "
                + (eventHubsPort == 0 ? "on the AMQP port only" : "also on plain " + bind + ":" + eventHubsPort)
                + " (TLS by " + SslEngines.fastestName() + ", " + settings.eventLoops() + " event loops on "
                + (hub.vertx().isNativeTransportEnabled() ? "epoll" : "NIO") + "), data in " + settings.dataDirectory();
    }
}
