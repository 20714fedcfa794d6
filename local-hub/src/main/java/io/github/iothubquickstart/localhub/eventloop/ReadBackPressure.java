package io.github.iothubquickstart.localhub.eventloop;

import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops reading a connection while what the hub wrote to it waits unsent, and reads again once the client has taken
 * it. A device that publishes QoS 1 but never reads its socket would otherwise make the hub queue a PUBACK (or an AMQP
 * disposition) per message without end; paused, it fills its own TCP buffers and stalls instead, while every other
 * connection is served as before. Writers that produce without being asked (an Event Hubs receiver sending up to its
 * credit) check {@link #writeQueueFull()} and go on {@link #whenDrained}.
 *
 * <p>What stays in memory per stalled connection: the kernel's send buffer, fixed at {@link #SEND_BUFFER_BYTES}
 * (Linux would grow it up to {@code tcp_wmem}'s maximum, 4 MiB by default, about a million unread PUBACKs), Netty's
 * outbound buffer up to its high-water mark (64 KiB), Vert.x's write queue up to its own (16 writes), and what one
 * read had already decoded. Confined to the socket's event loop.
 */
public final class ReadBackPressure {
    /**
     * The kernel's send buffer of a device connection (Linux doubles what is asked): twice the largest MQTT packet the
     * hub sends, so one write never waits on the buffer alone. No cost seen in benchmarks/run.sh (loopback).
     */
    public static final int SEND_BUFFER_BYTES = 128 * 1024;

    private final NetSocketInternal socket;
    private final List<Runnable> drainListeners = new ArrayList<>();

    private ReadBackPressure(NetSocketInternal socket) {
        this.socket = socket;
    }

    /**
     * Installs the pause and resume on {@code socket}; call it on the socket's event loop before it reads. Takes the
     * socket's read-completion and drain handlers, which neither vertx-mqtt nor vertx-proton uses.
     */
    public static ReadBackPressure install(NetSocketInternal socket) {
        ReadBackPressure backPressure = new ReadBackPressure(socket);
        socket.channelHandlerContext().channel().config().setOption(ChannelOption.SO_SNDBUF, SEND_BUFFER_BYTES);
        // Checked once per read batch: the answers to one read are written within it (or soon after, by the telemetry
        // writer), so a client that keeps sending without reading is paused at its next read.
        socket.readCompletionHandler(ignored -> {
            if (socket.writeQueueFull()) {
                socket.pause();
            }
        });
        socket.drainHandler(ignored -> backPressure.drained());
        return backPressure;
    }

    /** Whether what the hub wrote waits beyond the socket's buffers: a writer that can wait should. */
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    /** Runs {@code listener} once, on the event loop, when the write queue has drained. */
    public void whenDrained(Runnable listener) {
        drainListeners.add(listener);
    }

    private void drained() {
        socket.resume();
        List<Runnable> waiting = List.copyOf(drainListeners);
        drainListeners.clear();
        waiting.forEach(Runnable::run);
    }
}
