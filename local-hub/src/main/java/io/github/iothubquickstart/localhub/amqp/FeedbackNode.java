package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackQueue;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackReceiver;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackRecord;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.util.List;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's {@code /messages/servicebound/feedback}: back-ends (the service SDK's
 * {@code MessageFeedbackProcessorClient}) receive feedback batches on it. A batch the back-end accepts is gone;
 * one it releases, modifies or rejects, or that is unsettled when the link goes, comes again.
 */
final class FeedbackNode implements ServiceNode {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackNode.class);
    static final String ADDRESS = "/messages/servicebound/feedback";

    private final FeedbackQueue feedback;

    FeedbackNode(FeedbackQueue feedback) {
        this.feedback = feedback;
    }

    @Override
    public boolean serves(String address) {
        // IoT Hub takes the node's name in any case: Node's azure-iothub attaches to /messages/serviceBound/feedback.
        return ADDRESS.equalsIgnoreCase(address);
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
        link.onGone(() -> feedback.receiverGone(receiver));
        sender.open();
        feedback.receiverReady(receiver);
        LOG.debug("{} listens for feedback with policy {}", link.who(), link.policyName());
    }

    /** One back-end's feedback link. */
    private final class Receiver implements FeedbackReceiver {
        private final ProtonSender sender;
        private final Context context;
        private final ServiceLink link;

        Receiver(ProtonSender sender, Context context, ServiceLink link) {
            this.sender = sender;
            this.context = context;
            this.link = link;
        }

        @Override
        public void deliver(long batchId, List<FeedbackRecord> records) {
            context.runOnContext(ignored -> {
                if (!sender.isOpen() || !link.authorized()) {
                    // Closing: the batch goes to another back-end, or waits for one.
                    feedback.receiverGone(this);
                    return;
                }
                sender.send(AmqpCloudToDeviceMessages.feedbackBatch(records), delivery -> {
                    if (delivery.getRemoteState() instanceof Accepted) {
                        feedback.accept(this, batchId);
                    } else {
                        feedback.release(this, batchId);
                    }
                });
            });
        }
    }
}
