package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.IdentityId;

/**
 * A device's or module's connection ready to take its cloud-to-device messages (an MQTT subscription to its
 * devicebound topic, an AMQP link on its devicebound address). The transport answers each message with
 * {@link CloudToDeviceQueues#complete}, {@link CloudToDeviceQueues#reject} or {@link CloudToDeviceQueues#abandon}.
 */
public interface CloudToDeviceReceiver {

    String deviceId();

    /** Whose queue it takes messages from: the device's own, unless a module's receiver says otherwise. */
    default IdentityId identity() {
        return IdentityId.device(deviceId());
    }

    /**
     * Sends the message to the device. Called on the queues' thread: an implementation hands it to its connection's
     * own thread, and drops it when the connection is gone (the queues take it back when told the receiver left).
     */
    void deliver(QueuedMessage message);
}
