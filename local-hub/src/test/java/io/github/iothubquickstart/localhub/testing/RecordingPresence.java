package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.DevicePresence;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Presence that says every device is connected (since {@code connectedAt}) and records which ones the registry drops. */
public final class RecordingPresence implements DevicePresence {
    private final Instant connectedAt;
    private final List<String> disconnected = new CopyOnWriteArrayList<>();

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
}
