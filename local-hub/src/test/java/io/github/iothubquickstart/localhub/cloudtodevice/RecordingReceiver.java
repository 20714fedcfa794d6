package io.github.iothubquickstart.localhub.cloudtodevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A device's or module's receiver that keeps what the queues deliver to it, for the test to take. */
final class RecordingReceiver implements CloudToDeviceReceiver {
    private static final long WAIT_SECONDS = 5;

    final IdentityId identity;
    final LinkedBlockingQueue<QueuedMessage> delivered = new LinkedBlockingQueue<>();

    RecordingReceiver(String deviceId) {
        this(IdentityId.device(deviceId));
    }

    RecordingReceiver(IdentityId identity) {
        this.identity = identity;
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
        delivered.add(message);
    }

    /** The next delivery, waiting for it; fails when none comes. */
    QueuedMessage next() throws InterruptedException {
        QueuedMessage message = delivered.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(message).as("a delivery to " + identity).isNotNull();
        return message;
    }
}
