package io.github.iothubquickstart.localhub.registry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A registered device and its symmetric keys (base64). */
public record DeviceIdentity(String deviceId, String primaryKey, String secondaryKey, boolean enabled,
        Instant createdAt) {

    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Both keys, primary first: the candidates a SAS token may be signed with. */
    public List<String> keys() {
        return List.of(primaryKey, secondaryKey);
    }

    DeviceIdentity withEnabled(boolean newEnabled) {
        return new DeviceIdentity(deviceId, primaryKey, secondaryKey, newEnabled, createdAt);
    }

    @Override
    public String toString() {
        return "DeviceIdentity[deviceId=" + deviceId + ", enabled=" + enabled + ", createdAt=" + createdAt + "]";
    }
}
