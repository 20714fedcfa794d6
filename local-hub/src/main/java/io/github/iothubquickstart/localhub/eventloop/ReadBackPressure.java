package io.github.iothubquickstart.localhub.eventloop;

import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;

/**
 * Stops reading a connection while what the hub wrote to it waits unsent, and reads again once the client has taken
 * it. A device that publishes QoS 1 but never reads its socket would otherwise make the hub queue a PUBACK (or an AMQP
 * disposition) per message without end; paused, it fills its own TCP buffers and stalls instead, while every other
 * connection is served as before.
 *
 * <p>What stays in memory per stalled connection: the kernel's send buffer, fixed at {@link #SEND_BUFFER_BYTES}
 * (Linux would grow it up to {@code tcp_wmem}'s maximum, 4 MiB by default, about a million unread PUBACKs), Netty's
 * outbound buffer up to its high-water mark (64 KiB), Vert.x's write queue up to its own (16 writes), and what one
 * read had already decoded.
 */
public final class ReadBackPressure {
    /**
     * The kernel's send buffer of a device connection (Linux doubles what is asked): twice the largest MQTT packet the
     * hub sends, so one write never waits on the buffer alone. Its effect on throughput is not yet benchmarked.
     */
    public static final int SEND_BUFFER_BYTES = 128 * 1024;

    private ReadBackPressure() {
    }

    /**
     * Installs the pause and resume on {@code socket}; call it on the socket's event loop before it reads. Takes the
     * socket's read-completion and drain handlers, which neither vertx-mqtt nor vertx-proton uses.
     */
    public static void install(NetSocketInternal socket) {
        socket.channelHandlerContext().channel().config().setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
        // Checked once per read batch: the answers to one read are written within it (or soon after, by the telemetry
        // writer), so a client that keeps sending without reading is paused at its next read.
        socket.readCompletionHandler(ignored -> {
            if (socket.writeQueueFull()) {
                socket.pause();
            }
        });
        socket.drainHandler(ignored -> socket.resume());
    }
}
