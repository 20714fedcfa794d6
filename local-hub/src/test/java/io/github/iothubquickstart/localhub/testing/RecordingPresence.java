package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Presence that says every device and module is connected (since {@code connectedAt}) and records which ones the
 * registry drops: devices and modules ({@code d/m}) one by one, and the devices whose modules all go.
 */
public final class RecordingPresence implements DevicePresence {
    private final Instant connectedAt;
    private final List<String> disconnected = new CopyOnWriteArrayList<>();
    private final List<String> modulesDropped = new CopyOnWriteArrayList<>();

    public RecordingPresence(Instant connectedAt) {
        this.connectedAt = connectedAt;
    }

    /** The devices dropped, in order. */
    public List<String> disconnected() {
        return List.copyOf(disconnected);
    }

    @Override
    public Presence presence(String deviceId) {
        return disconnected.contains(deviceId) ? Presence.UNKNOWN : new Presence(true, connectedAt, connectedAt);
    }

    @Override
    public void disconnect(String deviceId) {
        disconnected.add(deviceId);
    }

    /** The devices whose modules were all dropped, in order. */
    public List<String> modulesDropped() {
        return List.copyOf(modulesDropped);
    }

    @Override
    public Presence presence(IdentityId identity) {
        return disconnected.contains(identity.toString()) ? Presence.UNKNOWN
                : new Presence(true, connectedAt, connectedAt);
    }

    @Override
    public void disconnect(IdentityId identity) {
        disconnected.add(identity.toString());
    }

    @Override
    public void disconnectModulesOf(String deviceId) {
        modulesDropped.add(deviceId);
    }
}
