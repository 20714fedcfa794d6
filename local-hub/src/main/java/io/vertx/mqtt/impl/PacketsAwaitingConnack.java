package io.vertx.mqtt.impl;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.mqtt.MqttEndpoint;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Holds what a client sends after its CONNECT until the hub has answered it. MQTT 3.1.1 (3.2) lets a client send on
 * without waiting for the CONNACK, but vertx-mqtt closes the connection on any packet that comes before its endpoint
 * is accepted, and the hub accepts some CONNECTs only after work off the event loop (a DPS client's authentication, a
 * device's model id being stored). At the CONNECT the channel stops reading, so only what its last read had already
 * decoded is held; the CONNACK, seen here on its way out, lets it through in order, then reading goes on. A refused or
 * closed connection drops what was held.
 *
 * <p>The channel's own auto-read is used rather than pausing the Vert.x socket: a paused socket queues what arrives
 * and does not release that queue when the connection closes. Confined to the socket's event loop.
 */
final class PacketsAwaitingConnack extends ChannelDuplexHandler {
    static final String NAME = "packetsAwaitingConnack";

    /** Where the connection is: packets are held from the CONNECT until the CONNACK's task has let them through. */
    private enum Phase { BEFORE_CONNECT, HOLDING, ACCEPTED_HOLDING, ACCEPTED, ENDED }

    private final Queue<Object> held = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Context context;
    private Consumer<Object> handler;
    private MqttEndpoint endpoint;
    private Phase phase = Phase.BEFORE_CONNECT;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The CONNECT came (on {@code context}): hold what follows until the CONNACK, then hand it to {@code handler}. */
    void connectCame(Context context, Consumer<Object> handler) {
        this.context = context;
        this.handler = handler;
        phase = Phase.HOLDING;
        ctx.channel().config().setAutoRead(false);
    }

    /** Whether the client's CONNECT has come. */
    boolean sawConnect() {
        return phase != Phase.BEFORE_CONNECT;
    }

    /** The endpoint the CONNECT made. */
    void endpoint(MqttEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Whether {@code packet} is held (then it is this class's to hand on or release) rather than due now. */
    boolean held(Object packet) {
        boolean holding = phase == Phase.HOLDING || phase == Phase.ACCEPTED_HOLDING;
        if (holding) {
            held.add(packet);
        }
        return holding;
    }

    /**
     * Whether the hub closed the accepted endpoint: packets the client sent behind the one that closed it come still,
     * and vertx-mqtt throws on each (an unhandled ERROR with its stack trace).
     */
    boolean closedAfterAccept() {
        return phase == Phase.ACCEPTED && !endpoint.isConnected();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
        ctx.write(message, promise);
        if (message instanceof MqttConnAckMessage connack) {
            if (connack.variableHeader().connectReturnCode() == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                phase = Phase.ACCEPTED_HOLDING;
                // After the task that accepted: the hub sets the endpoint's handlers once accept() has returned.
                context.runOnContext(ignored -> letThrough());
            } else {
                end();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end();
        super.channelInactive(ctx);
    }

    private void letThrough() {
        phase = Phase.ACCEPTED;
        while (!held.isEmpty()) {
            if (!endpoint.isConnected()) {
                release();  // closed by what went through before, or by the client
                return;
            }
            handler.accept(held.remove());
        }
        // Out of the pipeline, which every later read and write would pass through (a closed one has emptied itself).
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
        ctx.channel().config().setAutoRead(true);
    }

    /** Refused or closed before the CONNACK's task ran: what is held is released, nothing more is held. */
    private void end() {
        phase = Phase.ENDED;
        release();
    }

    private void release() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }
}
