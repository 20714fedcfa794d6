package io.github.iothubquickstart.localhub.eventloop;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Drops a socket as a failing network does: no TLS close_notify, no FIN, a TCP reset (SO_LINGER 0), so the peer
 * sees its connection lost rather than ended. For IoT Hub's {@code KillTcp} fault.
 */
public final class AbruptClose {
    private AbruptClose() {
    }

    /** On the socket's event loop; a socket that is not Vert.x's own is closed the ordinary way. */
    public static void reset(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            Channel channel = internal.channelHandlerContext().channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            // Past the pipeline: the TLS handler would otherwise say goodbye first.
            channel.unsafe().close(channel.voidPromise());
        } else {
            socket.close();
        }
    }
}
