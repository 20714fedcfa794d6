package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubLimits;
import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.amqp.AmqpConnectionHandler;
import io.github.iothubquickstart.localhub.amqp.AmqpDeviceServer;
import io.github.iothubquickstart.localhub.amqp.EventHubsEndpoint;
import io.github.iothubquickstart.localhub.websocket.WebSocketSubprotocol;
import io.vertx.core.Future;

/**
 * AMQP over TLS (5671 unless set otherwise; 0 turns it off) for devices, back-ends, DPS clients and Event Hubs
 * readers, and the same AMQP for the WebSocket endpoint (served even without 5671).
 */
public final class AmqpTransport implements Transport {
    private final HubSettings settings;
    private final AmqpConnectionHandler handler;
    /** Null when the AMQP port is off. */
    private final AmqpDeviceServer server;

    public AmqpTransport(HubServices hub, EventHubsEndpoint eventHubs) {
        this.settings = hub.settings();
        HubLimits limits = settings.limits();
        this.handler = new AmqpConnectionHandler(hub.vertx(), hub.clock(), hub.deviceAuthenticator(),
                hub.serviceAuthenticator(), hub.devices(), hub.telemetry(), hub.faults(), hub.methods(), hub.twins(),
                hub.modelAnnouncements(), hub.cloudToDevice(), hub.feedback(), limits.maxConnectedDevices(),
                limits.maxAmqpSessionsPerConnection(), limits.maxAmqpLinksPerConnection(), settings.hostName(),
                settings.hubName(), limits.connectPacketTimeout())
                .withEventHubs(eventHubs)
                .withProvisioning(hub.deviceRegistrations())
                .withFileUploadNotifications(hub.fileUploadNotifications());
        this.server = settings.amqpPort() == 0 ? null : new AmqpDeviceServer(hub.vertx(), settings.eventLoops(),
                settings.bindAddress(), settings.amqpPort(), hub.serverCertificate(), hub.serverKey(), handler);
    }

    /** What every AMQP connection over TLS is handed to: the plain Event Hubs listener takes a part of it. */
    AmqpConnectionHandler handler() {
        return handler;
    }

    /** AMQPS_WS: the same connection handling, the socket upgraded on the HTTPS listener. */
    public WebSocketSubprotocol overWebSockets() {
        return handler.overWebSockets();
    }

    /** AMQP where it can: a hub whose AMQP port is taken says so in one line and goes on with MQTT. */
    @Override
    public int listen() {
        return server == null ? 0 : Listening.orSkip(server.listen(), "AMQP (AMQPS)", settings, settings.amqpPort(),
                "--amqp-port 0");
    }

    @Override
    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
