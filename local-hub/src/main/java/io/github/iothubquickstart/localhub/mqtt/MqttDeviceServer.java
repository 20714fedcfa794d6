package io.github.iothubquickstart.localhub.mqtt;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The device endpoint: MQTT 3.1.1 over TLS, each connection handed to a {@link DeviceConnectionHandler}. */
public final class MqttDeviceServer {
    private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceServer.class);
    /** IoT Hub's 256 KB message limit, plus room for the topic and its property bag. */
    static final int MAX_PACKET_BYTES = 256 * 1024 + 16 * 1024;
    private final MqttServer server;

    /** @param connectPacketTimeout how long a client may take between opening TCP and sending CONNECT */
    public MqttDeviceServer(Vertx vertx, String bindAddress, int port, Path certificate, Path privateKey,
                            Duration connectPacketTimeout, DeviceConnectionHandler handler) {
        MqttServerOptions options = new MqttServerOptions()
                .setHost(bindAddress)
                .setPort(port)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certificate.toString())
                        .setKeyPath(privateKey.toString()))
                .setMaxMessageSize(MAX_PACKET_BYTES)
                .setMaxClientIdLength(256)
                .setAutoClientId(false)
                .setTimeoutOnConnect((int) connectPacketTimeout.toSeconds());
        options.setTcpNoDelay(true);
        options.setReuseAddress(true);
        this.server = MqttServer.create(vertx, options)
                .endpointHandler(handler::handle)
                .exceptionHandler(error -> LOG.debug("MQTT connection failed before CONNECT", error));
    }

    public Future<Integer> listen() {
        return server.listen().map(MqttServer::actualPort);
    }

    public Future<Void> close() {
        return server.close();
    }
}
