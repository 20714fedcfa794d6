package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceReceiver;
import io.github.iothubquickstart.localhub.cloudtodevice.LockToken;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.vertx.core.Context;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;

/**
 * A device's {@code /devices/{id}/messages/devicebound} link, or a module's
 * {@code /devices/{id}/modules/{mid}/messages/devicebound}: the hub sends its cloud-to-device messages on it,
 * unsettled, and the device's disposition settles each: accepted completes it, rejected dead-letters it, released
 * or modified abandons it (it comes again). A delivery the device does not settle within the lock timeout is
 * superseded: the message comes again as a new delivery on the link, and the old one's disposition settles nothing.
 */
final class AmqpCloudToDeviceLink implements CloudToDeviceReceiver {
    private final IdentityId identity;
    private final ProtonSender sender;
    private final Context context;
    private final CloudToDeviceQueues queues;

    AmqpCloudToDeviceLink(IdentityId identity, ProtonSender sender, Context context, CloudToDeviceQueues queues) {
        this.identity = identity;
        this.sender = sender;
        this.context = context;
        this.queues = queues;
    }

    @Override
    public String deviceId() {
        return identity.deviceId();
    }

    @Override
    public IdentityId identity() {
        return identity;
    }

    @Override
    public void deliver(QueuedMessage message) {
        context.runOnContext(ignored -> {
            if (!sender.isOpen()) {
                // The link is going: the queues take the message back when told so.
                return;
            }
            sender.send(AmqpCloudToDeviceMessages.toDevice(message),
                    delivery -> settled(message.lockToken(), delivery.getRemoteState()));
        });
    }

    private void settled(LockToken delivery, DeliveryState state) {
        if (state instanceof Accepted) {
            queues.complete(this, delivery);
        } else if (state instanceof Rejected) {
            queues.reject(this, delivery);
        } else {
            queues.abandon(this, delivery);
        }
    }

    @Override
    public String toString() {
        return "AMQP devicebound link of " + identity;
    }
}
