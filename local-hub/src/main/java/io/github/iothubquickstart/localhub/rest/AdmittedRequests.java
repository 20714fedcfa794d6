package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts each HTTPS connection in the process's {@link DescriptorBudget} as it is accepted, and answers every request
 * on one past the budget 503 (IoT Hub's ServiceUnavailable, which the SDKs retry), closing the connection.
 */
final class AdmittedRequests {
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("localhub.out-of-descriptors");

    private final DescriptorBudget descriptors;

    AdmittedRequests(DescriptorBudget descriptors) {
        this.descriptors = descriptors;
    }

    /** The HTTPS server's connection handler. */
    void accepted(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        if (!descriptors.admit(channel, DescriptorBudget.Use.REQUEST)) {
            channel.attr(REFUSED).set(Boolean.TRUE);
        }
    }

    /** The router's first handler: a request on a refused connection fails with 503, the others go on. */
    void route(RoutingContext context) {
        ConnectionBase connection = (ConnectionBase) context.request().connection();
        if (connection.channel().attr(REFUSED).get() == null) {
            context.next();
            return;
        }
        refuseAndClose(context,
                "The hub is out of file descriptors and takes no more connections now; retry later.");
    }

    /**
     * Answers 503 and closes the connection once the answer is written, giving its descriptor back: a client that
     * keeps the connection alive would otherwise hold it.
     */
    private static void refuseAndClose(RoutingContext context, String message) {
        context.response().putHeader("Connection", "close");
        context.addEndHandler(ended -> context.request().connection().close());
        context.fail(IotHubErrors.serviceUnavailable(message));
    }
}
