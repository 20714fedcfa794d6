package io.github.iothubquickstart.localhub.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Between WebSocket frames and the byte stream of the protocol inside (MQTT 3.1.1 section 6, AMQP WebSocket Binding
 * 1.0): the bytes of binary frames go up whatever their frame boundaries; every buffer the protocol writes goes down as
 * one binary frame. Pings are answered, a close is answered and ends the connection, and a text frame ends it too, as
 * both bindings carry binary frames only.
 *
 * <p>An empty buffer goes down as it is, not as a frame: Vert.x writes one to flush and before it closes a socket, and
 * the Azure SDKs' WebSocket layer (qpid-proton-j-extensions 1.2) spins forever on a frame of two bytes, header only,
 * so a client whose connection the hub closed (a refused token, say) would hang instead of failing.
 */
final class WebSocketFrames extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content());
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else if (msg instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
        } else if (msg instanceof WebSocketFrame other) {
            // Text frames (MQTT-6.0.0-1; AMQP's binding is binary too) and pongs nobody asked for.
            boolean pong = other instanceof PongWebSocketFrame;
            ReferenceCountUtil.release(other);
            if (!pong) {
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean payload = msg instanceof ByteBuf bytes && bytes.isReadable();
        ctx.write(payload ? new BinaryWebSocketFrame((ByteBuf) msg) : msg, promise);
    }
}
