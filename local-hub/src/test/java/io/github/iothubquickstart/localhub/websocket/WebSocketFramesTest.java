package io.github.iothubquickstart.localhub.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketFramesTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new WebSocketFrames());

    @Test
    void bytesOfBinaryAndContinuationFramesGoUpWhateverTheFrameBoundaries() {
        // One MQTT PINGREQ (0xC0 0x00) split over two frames: the MQTT decoder gets both halves in order.
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0})));
        channel.writeInbound(new ContinuationWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0x00})));

        assertThat(readInboundBytes()).containsExactly((byte) 0xC0);
        assertThat(readInboundBytes()).containsExactly(0x00);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void eachWrittenBufferGoesDownAsOneBinaryFrame() {
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xD0, 0x00}));

        BinaryWebSocketFrame frame = channel.readOutbound();
        assertThat(bytes(frame.content())).containsExactly((byte) 0xD0, 0x00);
        assertThat(frame.isFinalFragment()).isTrue();
        frame.release();
    }

    @Test
    void anEmptyBufferGoesDownAsItIsNotAsAFrame() {
        // Vert.x writes one to flush and before it closes; the Azure SDKs' WebSocket layer spins on a 2-byte frame.
        channel.writeOutbound(Unpooled.EMPTY_BUFFER);

        Object written = channel.readOutbound();
        assertThat(written).isInstanceOf(ByteBuf.class).isNotInstanceOf(BinaryWebSocketFrame.class);
        assertThat(((ByteBuf) written).readableBytes()).isZero();
    }

    @Test
    void aPingIsAnsweredWithItsData() {
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)));

        PongWebSocketFrame pong = channel.readOutbound();
        assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        pong.release();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aCloseIsAnsweredAndEndsTheConnection() {
        channel.writeInbound(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));

        CloseWebSocketFrame answer = channel.readOutbound();
        assertThat(answer.statusCode()).isEqualTo(1000);
        answer.release();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aTextFrameEndsTheConnectionAsMqttRequires() {
        channel.writeInbound(new TextWebSocketFrame("CONNECT"));

        CloseWebSocketFrame answer = channel.readOutbound();
        assertThat(answer.statusCode()).isEqualTo(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code());
        answer.release();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
    }

    private byte[] readInboundBytes() {
        ByteBuf buffer = channel.readInbound();
        try {
            return bytes(buffer);
        } finally {
            buffer.release();
        }
    }

    private static byte[] bytes(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        return bytes;
    }
}
