package io.vertx.mqtt.impl;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.mqtt.MqttEndpoint;
import io.vertx.mqtt.MqttServerOptions;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves MQTT on a socket that some other server accepted, exactly as vertx-mqtt's own {@code MqttServer} serves the
 * sockets of its {@code NetServer}: same codec, same CONNECT timeout, same {@link MqttServerConnection}.
 *
 * <p>Why this class lives in vertx-mqtt's package: vertx-mqtt 5.0 offers its MQTT connection only behind its own
 * server ({@code MqttServerConnection.handleMessage} is package-private), and that server's WebSocket mode accepts
 * only the path {@code /mqtt}, while IoT Hub's devices ask for {@code /$iothub/websocket} on the HTTPS port. The local
 * hub upgrades that request on its HTTPS server and hands the raw socket here. Its TLS listener (8883) hands its
 * sockets here too, so that the hub keeps hold of each socket (to pause reading from a device that does not read). The body mirrors
 * {@code MqttServerImpl.listen} and {@code initChannel} of vertx-mqtt 5.0.7; a vertx-mqtt upgrade that changes them
 * breaks the build here, and {@code MqttOverWebSocketsTest} runs the Azure SDK through it.
 */
public final class AdoptedMqttConnections {
    private static final Logger LOG = LoggerFactory.getLogger(AdoptedMqttConnections.class);

    private AdoptedMqttConnections() {
    }

    /**
     * Adds the MQTT codec in front of the socket's Vert.x handler and hands each CONNECT to {@code endpointHandler},
     * with the CONNECT's user name: vertx-mqtt's {@code MqttEndpoint.auth()} carries it only beside a password, and a
     * device that logs in with its X.509 certificate sends a user name and no password. Bytes must reach the
     * socket's pipeline as {@code ByteBuf}s (a transport framing such as WebSocket is unwrapped by handlers added
     * before this call).
     */
    public static void serve(NetSocketInternal socket, MqttServerOptions options,
                             BiConsumer<MqttEndpoint, String> endpointHandler, Handler<Throwable> exceptionHandler) {
        ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
        pipeline.addBefore("handler", "mqttEncoder", MqttEncoder.INSTANCE);
        pipeline.addBefore("handler", "mqttDecoder",
                new MqttDecoder(options.getMaxMessageSize(), options.getMaxClientIdLength()));
        // The names matter: MqttServerConnection removes "idle" and "timeoutOnConnect" once CONNECT arrives.
        pipeline.addBefore("handler", "idle", new IdleStateHandler(options.timeoutOnConnect(), 0, 0));
        pipeline.addBefore("handler", "timeoutOnConnect", new ChannelDuplexHandler() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
                    ctx.channel().close();
                }
                super.userEventTriggered(ctx, evt);
            }
        });
        String[] userName = new String[1];
        PacketsAwaitingConnack awaitingConnack = new PacketsAwaitingConnack();
        pipeline.addBefore("handler", PacketsAwaitingConnack.NAME, awaitingConnack);
        MqttServerConnection connection = new MqttServerConnection(socket, endpoint -> {
            awaitingConnack.endpoint(endpoint);
            endpointHandler.accept(endpoint, userName[0]);
        }, exceptionHandler, options);
        socket.eventHandler(ReferenceCountUtil::release);
        // Until CONNECT, vertx-mqtt leaves the socket's failures (a packet that does not decode) to Vert.x, which
        // logged each at ERROR: the client's fault, so one INFO line and the connection closes. vertx-mqtt replaces
        // this handler with its endpoint's when CONNECT comes.
        socket.exceptionHandler(failure -> {
            LOG.info("Closed the MQTT connection from {} before CONNECT: {}", socket.remoteAddress(),
                    failure.getMessage());
            socket.close();
        });
        socket.messageHandler(message -> {
            synchronized (connection) {
                if (message instanceof MqttConnectMessage connect && !awaitingConnack.sawConnect()) {
                    // Read before vertx-mqtt handles the CONNECT, which calls the endpoint handler within.
                    if (connect.variableHeader().hasUserName()) {
                        userName[0] = connect.payload().userName();
                    }
                    awaitingConnack.connectCame(Vertx.currentContext(), packet -> {
                        synchronized (connection) {
                            connection.handleMessage(packet);
                        }
                    });
                } else if (!awaitingConnack.sawConnect() && message instanceof MqttMessage packet
                        && packet.decoderResult().isSuccess()) {
                    // vertx-mqtt throws on any other packet first: an unhandled ERROR with its stack trace.
                    LOG.info("Closed the MQTT connection from {}: {} before CONNECT", socket.remoteAddress(),
                            packet.fixedHeader().messageType());
                    ReferenceCountUtil.release(message);
                    socket.close();
                    return;
                } else if (awaitingConnack.held(message)) {
                    return;
                } else if (awaitingConnack.closedAfterAccept()) {
                    ReferenceCountUtil.release(message);
                    return;
                }
                connection.handleMessage(message);
            }
        });
    }
}
