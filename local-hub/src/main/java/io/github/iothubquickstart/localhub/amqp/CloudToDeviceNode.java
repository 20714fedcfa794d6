package io.github.iothubquickstart.localhub.amqp;

import static io.github.iothubquickstart.localhub.amqp.Dispositions.rejected;
import static io.github.iothubquickstart.localhub.amqp.Dispositions.settle;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceException;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's {@code /messages/devicebound}: back-ends (the service SDK's {@code MessagingClient}) send cloud-to-device
 * messages on it, each addressed to a device in its {@code to}. A message is accepted once queued and stored, or
 * rejected with IoT Hub's condition: {@code amqp:not-found} for an unknown device,
 * {@code amqp:resource-limit-exceeded} for a full queue, {@code amqp:link:message-size-exceeded} over 64 KB,
 * {@code com.microsoft:argument-error} for a missing or wrong {@code to} or {@code iothub-ack}.
 */
final class CloudToDeviceNode implements ServiceNode {
    private static final Logger LOG = LoggerFactory.getLogger(CloudToDeviceNode.class);
    static final String ADDRESS = "/messages/devicebound";
    /** Larger transfers detach the link; the 64 KB limit itself is answered per message. */
    private static final long MAX_TRANSFER_BYTES = 256 * 1024;

    private final CloudToDeviceQueues queues;

    CloudToDeviceNode(CloudToDeviceQueues queues) {
        this.queues = queues;
    }

    @Override
    public boolean serves(String address) {
        // IoT Hub takes the node's name in any case, as it does the feedback node's.
        return ADDRESS.equalsIgnoreCase(address);
    }

    @Override
    public AccessRight requiredRight() {
        return AccessRight.SERVICE_CONNECT;
    }

    @Override
    public void attach(ProtonReceiver receiver, ServiceLink link) {
        Context context = Vertx.currentContext();
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_TRANSFER_BYTES));
        receiver.setAutoAccept(false);
        receiver.handler((delivery, message) -> onMessage(context, link, receiver, delivery, message));
        receiver.open();
        LOG.debug("{} attached to {} with policy {}", link.who(), ADDRESS, link.policyName());
    }

    private void onMessage(Context context, ServiceLink link, ProtonReceiver receiver, ProtonDelivery delivery,
                           Message message) {
        if (!link.authorized()) {
            settle(receiver, delivery, rejected(AmqpError.UNAUTHORIZED_ACCESS, "The SAS token expired; put a new one on $cbs."));
            return;
        }
        AmqpCloudToDeviceMessages.Addressed addressed;
        try {
            addressed = AmqpCloudToDeviceMessages.fromService(message);
        } catch (AmqpTelemetry.InvalidTelemetryException e) {
            LOG.info("Refused a cloud-to-device message from {}: {}", link.who(), e.getMessage());
            settle(receiver, delivery, rejected(e.condition(), e.getMessage()));
            return;
        }
        queues.send(addressed.to(), addressed.message()).whenComplete((queued, failure) ->
                context.runOnContext(ignored -> {
                    if (failure == null) {
                        settle(receiver, delivery, Accepted.getInstance());
                    } else {
                        CloudToDeviceException refused = (CloudToDeviceException) failure;
                        LOG.info("Refused a cloud-to-device message from {} to {}: {}", link.who(),
                                DeviceAddresses.printable(addressed.to().toString()), refused.getMessage());
                        settle(receiver, delivery, rejected(conditionOf(refused.reason()), refused.getMessage()));
                    }
                }));
    }

    private static Symbol conditionOf(CloudToDeviceException.Reason reason) {
        return switch (reason) {
            case DEVICE_NOT_FOUND -> AmqpError.NOT_FOUND;
            case QUEUE_FULL -> AmqpError.RESOURCE_LIMIT_EXCEEDED;
            case MESSAGE_TOO_LARGE -> LinkError.MESSAGE_SIZE_EXCEEDED;
            case NOT_STORED -> AmqpError.INTERNAL_ERROR;
        };
    }
}
