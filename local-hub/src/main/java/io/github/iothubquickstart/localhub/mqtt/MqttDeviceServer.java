package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.eventloop.ReadBackPressure;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.impl.AdoptedMqttConnections;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device endpoint: MQTT 3.1.1 over TLS, each connection handed to a {@link MqttConnectionHandler}. One MQTT
 * server per event loop shares the port, so TLS handshakes and packets of many devices use every core. The same
 * endpoint over WebSockets is {@link #overWebSockets()}, served by the HTTPS server.
 *
 * <p>The TLS listener is a Vert.x {@code NetServer} whose sockets get vertx-mqtt's own codec and connection
 * ({@link AdoptedMqttConnections}, as {@code MqttServer} does), because {@code MqttServer} hides the socket, and the hub
 * needs it to stop reading from a device that does not read what the hub sends ({@link ReadBackPressure}).
 */
public final class MqttDeviceServer {
    private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceServer.class);
    /** IoT Hub's 256 KB message limit, plus room for the topic and its property bag. */
    static final int MAX_PACKET_BYTES = 256 * 1024 + 16 * 1024;
    private final Vertx vertx;
    private final int port;
    private final MqttServerOptions options;
    private final MqttConnectionHandler handler;
    private final EventLoopListeners listeners;
    private final DescriptorBudget descriptors;

    /** @param connectPacketTimeout how long a client may take between opening TCP and sending CONNECT */
    public MqttDeviceServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate, Path privateKey,
                            Duration connectPacketTimeout, MqttConnectionHandler handler) {
        this(vertx, eventLoops, bindAddress, port, certificate, privateKey, connectPacketTimeout, handler,
                DescriptorBudget.ofThisProcess());
    }

    /** @param descriptors past it, a CONNECT is refused with CONNACK 3 (server unavailable) */
    public MqttDeviceServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate, Path privateKey,
                            Duration connectPacketTimeout, MqttConnectionHandler handler, DescriptorBudget descriptors) {
        this.vertx = vertx;
        this.descriptors = descriptors;
        this.port = port;
        this.handler = handler;
        this.listeners = new EventLoopListeners(vertx, eventLoops);
        // Devices with an X.509 identity log in with their TLS client certificate.
        this.options = SslEngines.requestClientCertificates(new MqttServerOptions())
                .setHost(bindAddress)
                .setSsl(true)
                .setKeyCertOptions(SslEngines.serverKeyCert(vertx, certificate, privateKey))
                .setMaxMessageSize(MAX_PACKET_BYTES)
                .setMaxClientIdLength(256)
                .setAutoClientId(false)
                .setTimeoutOnConnect((int) connectPacketTimeout.toSeconds());
        options.setSslEngineOptions(SslEngines.fastest());
        options.setTcpNoDelay(true);
        options.setReuseAddress(true);
    }

    /**
     * The same MQTT endpoint reached through a WebSocket upgraded on the HTTPS server (subprotocol {@code mqtt}):
     * same packet limits, CONNECT timeout and handler; TLS is the HTTPS server's.
     */
    public MqttOverWebSockets overWebSockets() {
        return new MqttOverWebSockets(new MqttServerOptions(options).setSsl(false), handler);
    }

    public Future<Integer> listen() {
        return listeners.listen(port, actualPort -> vertx.createNetServer(new MqttServerOptions(options).setPort(actualPort))
                .connectHandler(socket -> serve((NetSocketInternal) socket))
                .listen()
                .map(NetServer::actualPort));
    }

    private void serve(NetSocketInternal socket) {
        ReadBackPressure.install(socket);
        PeerCertificates peer = PeerCertificates.of(socket::sslSession);
        boolean admitted = descriptors.admit(socket.channelHandlerContext().channel(), DescriptorBudget.Use.DEVICE);
        AdoptedMqttConnections.serve(socket, options, (endpoint, userName) -> {
            if (admitted) {
                handler.handle(endpoint, userName, peer);
            } else {
                LOG.debug("Refused {} from {}: out of file descriptors", endpoint.clientIdentifier(), endpoint.remoteAddress());
                endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            }
        }, error -> LOG.debug("MQTT connection failed before CONNECT", error));
    }

    public Future<Void> close() {
        return listeners.close();
    }
}
