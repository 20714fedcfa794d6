package io.github.iothubquickstart.localhub.websocket;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices' WebSocket endpoint as IoT Hub serves it on its HTTPS port: {@code GET /$iothub/websocket}, upgraded to
 * the protocol the client names as its subprotocol ({@code mqtt} for MQTT_WS, {@code AMQPWSB10} for AMQPS_WS). After
 * the 101 the connection is a byte stream in binary frames, handed to that protocol's {@link WebSocketSubprotocol}.
 */
public final class DeviceWebSockets implements Handler<RoutingContext> {
    /** Where the Azure device SDKs open their WebSocket ({@code wss://<host>/$iothub/websocket}). */
    public static final String PATH = "/$iothub/websocket";
    /**
     * Where the Java provisioning device client's MQTT_WS opens it: {@code wss://<host>:443} with no path, which its
     * MQTT library (Paho) turns into {@code /mqtt}. The MQTT listener tells a DPS client by its user name.
     */
    public static final String PROVISIONING_MQTT_PATH = "/mqtt";
    /** The query parameter with which a device says it logs in without its TLS client certificate. */
    static final String NO_CLIENT_CERTIFICATE = "iothub-no-client-cert";
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWebSockets.class);

    private final Map<String, WebSocketSubprotocol> subprotocols = new LinkedHashMap<>();
    private final DescriptorBudget descriptors;

    public DeviceWebSockets(List<WebSocketSubprotocol> subprotocols) {
        this(subprotocols, DescriptorBudget.ofThisProcess());
    }

    /** @param descriptors past the part of it devices may use, an upgrade is answered 503 */
    public DeviceWebSockets(List<WebSocketSubprotocol> subprotocols, DescriptorBudget descriptors) {
        this.descriptors = descriptors;
        for (WebSocketSubprotocol subprotocol : subprotocols) {
            if (this.subprotocols.putIfAbsent(subprotocol.name(), subprotocol) != null) {
                throw new IllegalArgumentException("Two protocols for the subprotocol " + subprotocol.name());
            }
        }
    }

    /** Serves the upgrade on the hub's HTTPS listener, at the path the device SDKs use. */
    public void mountOn(Router router) {
        router.get(PATH).handler(this);
        router.get(PROVISIONING_MQTT_PATH).handler(this);
    }

    @Override
    public void handle(RoutingContext context) {
        HttpServerRequest request = context.request();
        // The connection was counted as an HTTPS request's, which may use part of the reserve devices may not.
        if (!descriptors.hasRoomFor(DescriptorBudget.Use.DEVICE)) {
            context.response().putHeader("Connection", "close");
            context.addEndHandler(ended -> request.connection().close());
            context.fail(IotHubErrors.serviceUnavailable(
                    "The hub is out of file descriptors and takes no more device connections now; retry later."));
            return;
        }
        Optional<String> problem = WebSocketHandshake.problem(request.headers());
        if (problem.isPresent()) {
            context.fail(IotHubErrors.argumentInvalid(problem.get()));
            return;
        }
        Optional<WebSocketSubprotocol> chosen = WebSocketHandshake
                .chosenSubprotocol(request.headers(), subprotocols.keySet()).map(subprotocols::get);
        if (chosen.isEmpty()) {
            context.fail(IotHubErrors.argumentInvalid("The WebSocket upgrade request must offer one of the subprotocols "
                    + subprotocols.keySet().stream().map(name -> "'" + name + "'").collect(Collectors.joining(", "))
                    + " (Sec-WebSocket-Protocol), not " + request.headers().getAll("Sec-WebSocket-Protocol") + "."));
            return;
        }
        WebSocketSubprotocol subprotocol = chosen.get();
        request.response().headers()
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Accept", WebSocketHandshake.acceptKey(request.getHeader("Sec-WebSocket-Key")))
                .set("Sec-WebSocket-Protocol", subprotocol.name());
        // The Azure SDKs say iothub-no-client-cert=true when they log in with a SAS token: IoT Hub then asks for no
        // client certificate, so a certificate such a client still presents authenticates nothing (AMQPS_WS says it
        // always, which is why the SDKs cannot use X.509 on AMQPS_WS with IoT Hub).
        boolean withheld = "true".equalsIgnoreCase(request.getParam(NO_CLIENT_CERTIFICATE));
        // Writes the 101 with those headers and hands over the raw TLS connection, HTTP codec removed.
        request.toNetSocket()
                .onSuccess(socket -> serve((NetSocketInternal) socket, subprotocol, withheld
                        ? PeerCertificates.withheld() : PeerCertificates.of(socket::sslSession)))
                .onFailure(error -> LOG.debug("WebSocket upgrade from {} failed", request.remoteAddress(), error));
    }

    /** Runs on the connection's event loop, before it reads another byte. */
    private static void serve(NetSocketInternal socket, WebSocketSubprotocol subprotocol, PeerCertificates peer) {
        ChannelPipeline pipeline = socket.channelHandlerContext().pipeline();
        // The HTTPS idle timeout no longer applies: the protocol's own deadlines and keep-alive take over.
        IdleStateHandler httpIdle = pipeline.get(IdleStateHandler.class);
        if (httpIdle != null) {
            pipeline.remove(httpIdle);
        }
        // The encoder before the decoder: the close frame the decoder writes on a protocol violation must be encoded.
        pipeline.addBefore("handler", "webSocketEncoder", new WebSocket13FrameEncoder(false));
        // Frames are read whole up to the protocol's limit; messages are never assembled (fragments stream through).
        pipeline.addBefore("handler", "webSocketDecoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .allowExtensions(false)
                .maxFramePayloadLength(subprotocol.maxFramePayloadBytes())
                .build()));
        pipeline.addBefore("handler", "webSocketFrames", new WebSocketFrames());
        subprotocol.serve(socket, peer);
    }
}
