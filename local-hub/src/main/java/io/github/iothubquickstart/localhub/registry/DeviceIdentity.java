package io.github.iothubquickstart.localhub.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A registered device and its credentials (SAS keys, or X.509 thumbprints or CA); {@code statusReason} is free text,
 * possibly null; {@code edge} is its place in an IoT Edge hierarchy ({@link EdgeHierarchy#NONE} for most devices).
 */
public record DeviceIdentity(String deviceId, Authentication authentication, boolean enabled,
        Instant createdAt, String statusReason, EdgeHierarchy edge) {

    public DeviceIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(edge, "edge");
    }

    /** A SAS device. */
    public DeviceIdentity(String deviceId, String primaryKey, String secondaryKey, boolean enabled, Instant createdAt,
                          String statusReason, EdgeHierarchy edge) {
        this(deviceId, Authentication.sas(primaryKey, secondaryKey), enabled, createdAt, statusReason, edge);
    }

    public DeviceIdentity(String deviceId, String primaryKey, String secondaryKey, boolean enabled, Instant createdAt,
                          String statusReason) {
        this(deviceId, primaryKey, secondaryKey, enabled, createdAt, statusReason, EdgeHierarchy.NONE);
    }

    public DeviceIdentity(String deviceId, String primaryKey, String secondaryKey, boolean enabled, Instant createdAt) {
        this(deviceId, primaryKey, secondaryKey, enabled, createdAt, null);
    }

    /** The primary symmetric key; null unless the device authenticates with SAS. */
    public String primaryKey() {
        return authentication.primaryKey();
    }

    /** The secondary symmetric key; null unless the device authenticates with SAS. */
    public String secondaryKey() {
        return authentication.secondaryKey();
    }

    /** Both keys, primary first: the candidates a SAS token may be signed with; none for an X.509 device. */
    public List<String> keys() {
        return authentication.keys();
    }

    public DeviceIdentity withEdge(EdgeHierarchy newEdge) {
        return new DeviceIdentity(deviceId, authentication, enabled, createdAt, statusReason, newEdge);
    }

    DeviceIdentity withEnabled(boolean newEnabled) {
        return new DeviceIdentity(deviceId, authentication, newEnabled, createdAt, statusReason, edge);
    }

    /**
     * IoT Hub's optimistic-concurrency tag of the identity: it changes whenever credentials, status, reason or Edge
     * hierarchy change, so a caller holding an old one gets 412 on update (derived from the content, so nothing extra
     * is stored; a device outside any Edge hierarchy keeps the ETag it had before the hierarchy existed).
     */
    public String etag() {
        String content = deviceId + '\n' + primaryKey() + '\n' + secondaryKey() + '\n' + enabled + '\n'
                + createdAt.toEpochMilli() + '\n' + Objects.toString(statusReason, "")
                + (edge.equals(EdgeHierarchy.NONE) ? "" : "\n" + edge) + authentication.etagContent();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Tells this identity apart from an earlier one with the same id (deleted and created again). */
    public String generationId() {
        return Long.toString(createdAt.toEpochMilli());
    }

    @Override
    public String toString() {
        return "DeviceIdentity[deviceId=" + deviceId + ", enabled=" + enabled + ", createdAt=" + createdAt + "]";
    }
}
