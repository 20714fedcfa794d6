package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.registry.IdentityId;

/**
 * A device (or module) an AMQP connection may act as, because a token put on its $cbs node granted it: its connection
 * as the features see it, its record in the hub, and until when the token holds. Confined to the connection's event
 * loop.
 */
final class DeviceGrant extends TokenGrant {
    final AmqpDeviceConnection connection;
    final ConnectedDevice device;
    /** The identity's generation id when its token was accepted: stamped on its telemetry. */
    final String generationId;
    private boolean revoked;

    DeviceGrant(AmqpDeviceConnection connection, ConnectedDevice device, String generationId,
                long expiresAtEpochSecond) {
        super(expiresAtEpochSecond);
        this.connection = connection;
        this.device = device;
        this.generationId = generationId;
    }

    IdentityId identity() {
        return connection.identity();
    }

    /** Whether what the device sends at {@code epochSecond} may still be taken. */
    boolean validAt(long epochSecond) {
        return !revoked && !expiredAt(epochSecond);
    }

    void revoke() {
        revoked = true;
    }
}
