package io.github.iothubquickstart.localhub.connections;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub's record of one live device connection: the connection itself, what the device has asked to receive
 * (method calls, desired-property changes) and when it was last heard from. Thread-safe.
 */
public final class ConnectedDevice {
    private final DeviceConnection connection;
    private final Instant connectedSince;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean methods = new AtomicBoolean();
    private final AtomicBoolean desiredProperties = new AtomicBoolean();
    private final AtomicLong lastActivityMillis;

    ConnectedDevice(DeviceConnection connection, Instant connectedSince) {
        this.connection = connection;
        this.connectedSince = connectedSince;
        this.lastActivityMillis = new AtomicLong(connectedSince.toEpochMilli());
    }

    public String deviceId() {
        return connection.deviceId();
    }

    /** The device, or the module, this connection belongs to. */
    public IdentityId identity() {
        return connection.identity();
    }

    public DeviceConnection connection() {
        return connection;
    }

    public boolean isOpen() {
        return open.get();
    }

    /** True once the device subscribed to direct methods: only then can it be called. */
    public boolean acceptsMethods() {
        return open.get() && methods.get();
    }

    /** True once the device subscribed to desired-property changes: only then does the hub send them. */
    public boolean acceptsDesiredProperties() {
        return open.get() && desiredProperties.get();
    }

    /** Set by the transport when the device (un)subscribes; methods go through {@link ConnectedDevices}. */
    public void acceptDesiredProperties(boolean accepts) {
        desiredProperties.set(accepts);
    }

    Instant connectedSince() {
        return connectedSince;
    }

    long lastActivityMillis() {
        return lastActivityMillis.get();
    }

    void active(long epochMillis) {
        lastActivityMillis.set(epochMillis);
    }

    void acceptMethods(boolean accepts) {
        methods.set(accepts);
    }

    /** True for the one caller that closes it; false if it was closed already. */
    boolean markClosed() {
        return open.compareAndSet(true, false);
    }

    @Override
    public String toString() {
        return "ConnectedDevice[" + connection + "]";
    }
}
