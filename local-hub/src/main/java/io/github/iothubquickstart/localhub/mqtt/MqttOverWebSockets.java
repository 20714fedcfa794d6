package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mqtt.MqttServerOptions;
import io.vertx.mqtt.impl.AdoptedMqttConnections;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over WebSockets, as IoT Hub serves it on its HTTPS port: {@code GET /$iothub/websocket} upgraded with the
 * subprotocol {@code mqtt}, after which the connection is an MQTT connection like one on port 8883, handled by the
 * same {@link MqttConnectionHandler} (same authentication, topic rules, sessions and features).
 */
public final class MqttOverWebSockets implements Handler<RoutingContext> {
    /** Where the Azure device SDKs open their WebSocket ({@code wss://<host>/$iothub/websocket}). */
    public static final String PATH = "/$iothub/websocket";
    private static final Logger LOG = LoggerFactory.getLogger(MqttOverWebSockets.class);

    private final MqttServerOptions options;
    private final MqttConnectionHandler handler;

    MqttOverWebSockets(MqttServerOptions options, MqttConnectionHandler handler) {
        this.options = options;
        this.handler = handler;
    }


    /** Serves the upgrade on the hub's HTTPS listener, at the path the device SDK uses. */
    public void mountOn(Router router) {
        router.get(PATH).handler(this);
    }

    @Override
    public void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        Optional<String> problem = WebSocketHandshake.problem(request.headers());
        if (problem.isPresent()) {
            context.fail(IotHubErrors.argumentInvalid(problem.get()));
            return;
        }
        request.response().headers()
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Accept", WebSocketHandshake.acceptKey(request.getHeader("Sec-WebSocket-Key")))
                .set("Sec-WebSocket-Protocol", WebSocketHandshake.SUBPROTOCOL);
        // Writes the 101 with those headers and hands over the raw TLS connection, HTTP codec removed.
        request.toNetSocket()
                .onSuccess(socket -> serveMqtt((NetSocketInternal) socket))
                .onFailure(error -> LOG.debug("WebSocket upgrade from {} failed", request.remoteAddress(), error));
    }

    /** Runs on the connection's event loop, before it reads another byte. */
    private void serveMqtt(NetSocketInternal socket) {
        ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
        // The HTTPS idle timeout no longer applies: MQTT's CONNECT timeout and keep-alive take over.
        IdleStateHandler httpIdle = pipeline.get(IdleStateHandler.class);
        if (httpIdle != null) {
            pipeline.remove(httpIdle);
        }
        pipeline.addBefore("handler", "webSocketDecoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .maxFramePayloadLength(options.getMaxMessageSize())
                .build()));
        pipeline.addBefore("handler", "webSocketEncoder", new WebSocket13FrameEncoder(false));
        pipeline.addBefore("handler", "webSocketFrames", new WebSocketFrames());
        AdoptedMqttConnections.serve(socket, options, handler::handle,
                error -> LOG.debug("MQTT over WebSockets connection failed before CONNECT", error));
    }
}
