package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackQueue;
import io.github.iothubquickstart.localhub.cloudtodevice.ServiceBoundQueue;
import io.github.iothubquickstart.localhub.cloudtodevice.ServiceBoundReceiver;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotification;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.util.List;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue IoT Hub serves back-ends on a receive link: {@code /messages/servicebound/feedback} (the service SDK's
 * {@code MessageFeedbackProcessorClient}) and {@code /messages/serviceBound/filenotifications}
 * ({@code FileUploadNotificationProcessorClient}). A batch the back-end accepts is gone; one it releases, modifies or
 * rejects, or that is unsettled when the link goes, comes again.
 */
final class ServiceBoundNode<R> implements ServiceNode {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBoundNode.class);
    static final String FEEDBACK = "/messages/servicebound/feedback";
    static final String FILE_NOTIFICATIONS = "/messages/serviceBound/filenotifications";

    private final String address;
    private final ServiceBoundQueue<R> queue;
    private final Function<List<R>, Message> encoder;

    ServiceBoundNode(String address, ServiceBoundQueue<R> queue, Function<List<R>, Message> encoder) {
        this.address = address;
        this.queue = queue;
        this.encoder = encoder;
    }

    static ServiceBoundNode<?> feedback(FeedbackQueue feedback) {
        return new ServiceBoundNode<>(FEEDBACK, feedback, AmqpCloudToDeviceMessages::feedbackBatch);
    }

    static ServiceBoundNode<?> fileNotifications(ServiceBoundQueue<FileUploadNotification> notifications) {
        return new ServiceBoundNode<>(FILE_NOTIFICATIONS, notifications, AmqpFileUploadNotifications::message);
    }

    @Override
    public boolean serves(String address) {
        // IoT Hub takes the node's name in any case: Node's azure-iothub attaches to /messages/serviceBound/feedback.
        return this.address.equalsIgnoreCase(address);
    }

    @Override
    public AccessRight requiredRight() {
        return AccessRight.SERVICE_CONNECT;
    }

    @Override
    public void attach(ProtonSender sender, ServiceLink link) {
        sender.setSource(sender.getRemoteSource());
        sender.setQoS(ProtonQoS.AT_LEAST_ONCE);
        Receiver receiver = new Receiver(sender, Vertx.currentContext(), link);
        link.onGone(() -> queue.receiverGone(receiver));
        sender.open();
        queue.receiverReady(receiver);
        LOG.debug("{} listens on {} with policy {}", link.who(), address, link.policyName());
    }

    /** One back-end's link. */
    private final class Receiver implements ServiceBoundReceiver<R> {
        private final ProtonSender sender;
        private final Context context;
        private final ServiceLink link;

        Receiver(ProtonSender sender, Context context, ServiceLink link) {
            this.sender = sender;
            this.context = context;
            this.link = link;
        }

        @Override
        public void deliver(long batchId, List<R> records) {
            context.runOnContext(ignored -> {
                if (!sender.isOpen() || !link.authorized()) {
                    // Closing: the batch goes to another back-end, or waits for one.
                    queue.receiverGone(this);
                    return;
                }
                sender.send(encoder.apply(records), delivery -> {
                    if (delivery.getRemoteState() instanceof Accepted) {
                        queue.accept(this, batchId);
                    } else {
                        queue.release(this, batchId);
                    }
                });
            });
        }
    }
}
