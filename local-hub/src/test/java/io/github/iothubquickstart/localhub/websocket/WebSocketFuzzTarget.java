package io.github.iothubquickstart.localhub.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of what the hub reads of a WebSocket client itself: the upgrade request's headers
 * (the HTTP parsing is Vert.x's) and the frames after the 101, through the same pipeline {@link DeviceWebSockets}
 * builds (Netty's RFC 6455 decoder, then {@link WebSocketFrames}). Inputs under
 * {@code WebSocketFuzzTargetInputs/<method>/} run as regression tests in every build.
 */
class WebSocketFuzzTarget {
    private static final List<String> SPOKEN = List.of("mqtt", "AMQPWSB10");
    private static final int MAX_FRAME_PAYLOAD = 4096;

    /** Header lines, {@code name: value}. */
    @FuzzTest
    void upgradeRequests(byte[] input) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String line : new String(input, StandardCharsets.UTF_8).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }

        Optional<String> problem = WebSocketHandshake.problem(headers);

        if (problem.isPresent()) {
            assertThat(problem.get()).isNotBlank();
            return;
        }
        Optional<String> chosen = WebSocketHandshake.chosenSubprotocol(headers, SPOKEN);
        chosen.ifPresent(name -> assertThat(SPOKEN).contains(name));
        String accept = WebSocketHandshake.acceptKey(headers.get("Sec-WebSocket-Key"));
        assertThat(Base64.getDecoder().decode(accept)).hasSize(20);
    }

    /** The bytes a client sends after the 101: masked frames, as a client must send them. */
    @FuzzTest
    void framesAfterTheUpgrade(byte[] input) {
        Received received = new Received();
        EmbeddedChannel channel = new EmbeddedChannel(
                new WebSocket13FrameEncoder(false),
                new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                        .expectMaskedFrames(true)
                        .allowExtensions(false)
                        .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                        .build()),
                new WebSocketFrames(),
                received);

        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input));
            channel.checkException();
        } catch (CorruptedFrameException protocolViolation) {
            // Netty's decoder answers a violation with a close frame (1002/1009) and closes: fine.
        }

        // Only the payload of binary and continuation frames reaches MQTT or AMQP, never more than was sent.
        assertThat(received.bytes).isLessThanOrEqualTo(input.length);
        assertThat(received.others).isZero();
        // Whatever the hub answered is encoded frames, nothing else.
        for (Object written = channel.readOutbound(); written != null; written = channel.readOutbound()) {
            assertThat(written).isInstanceOf(ByteBuf.class);
            ((ByteBuf) written).release();
        }
        channel.finishAndReleaseAll();
    }

    /** Counts what goes up the pipeline, as the protocol inside would read it. */
    private static final class Received extends ChannelInboundHandlerAdapter {
        private long bytes;
        private int others;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buffer) {
                bytes += buffer.readableBytes();
                buffer.release();
            } else {
                others++;
            }
        }
    }
}
