package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.mqtt.MqttConnectionHandler;
import io.github.iothubquickstart.localhub.mqtt.MqttDeviceServer;
import io.github.iothubquickstart.localhub.mqtt.MqttProvisioning;
import io.github.iothubquickstart.localhub.mqtt.MqttTwinRequests;
import io.github.iothubquickstart.localhub.mqtt.PersistentSessions;
import io.github.iothubquickstart.localhub.websocket.WebSocketSubprotocol;
import io.vertx.core.Future;

/** Devices' MQTT over TLS (8883 unless set otherwise), and the same MQTT for the WebSocket endpoint. */
public final class MqttTransport implements Transport {
    private final HubSettings settings;
    private final MqttDeviceServer server;

    public MqttTransport(HubServices hub) {
        this.settings = hub.settings();
        HubLimits limits = settings.limits();
        this.server = new MqttDeviceServer(hub.vertx(), settings.eventLoops(), settings.bindAddress(),
                settings.mqttPort(), hub.serverCertificate(), hub.serverKey(), limits.connectPacketTimeout(),
                new MqttConnectionHandler(hub.deviceAuthenticator(), hub.devices(),
                        new PersistentSessions(hub.sessionStore()), hub.methods(), hub.telemetry(),
                        new MqttTwinRequests(hub.twins()), hub.cloudToDevice(), limits.maxConnectedDevices(),
                        hub.clock(), new MqttProvisioning(hub.deviceRegistrations(), hub.clock()), hub.faults(),
                        hub.modelAnnouncements()));
    }

    /** MQTT_WS: the same connection handling, the socket upgraded on the HTTPS listener. */
    public WebSocketSubprotocol overWebSockets() {
        return server.overWebSockets();
    }

    @Override
    public int listen() {
        return Listening.await(server.listen(), "MQTT", settings, settings.mqttPort());
    }

    @Override
    public Future<Void> stop() {
        return server.close();
    }
}
