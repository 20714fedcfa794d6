package io.github.iothubquickstart.localhub.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A registered module of a device and its credentials (SAS keys, or X.509 thumbprints or CA). {@code managedBy} is
 * free text set by whoever manages the module (IoT Edge writes {@code iotEdge}); null for none. Modules have no status
 * of their own.
 */
public record ModuleIdentity(String deviceId, String moduleId, Authentication authentication,
                             String managedBy, Instant createdAt) {

    public ModuleIdentity {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(moduleId, "moduleId");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A SAS module. */
    public ModuleIdentity(String deviceId, String moduleId, String primaryKey, String secondaryKey,
                          String managedBy, Instant createdAt) {
        this(deviceId, moduleId, Authentication.sas(primaryKey, secondaryKey), managedBy, createdAt);
    }

    /** The primary symmetric key; null unless the module authenticates with SAS. */
    public String primaryKey() {
        return authentication.primaryKey();
    }

    /** The secondary symmetric key; null unless the module authenticates with SAS. */
    public String secondaryKey() {
        return authentication.secondaryKey();
    }

    public IdentityId id() {
        return IdentityId.module(deviceId, moduleId);
    }

    /** Both keys, primary first: the candidates a SAS token may be signed with; none for an X.509 module. */
    public List<String> keys() {
        return authentication.keys();
    }

    /** Changes whenever credentials or managedBy change, so a caller holding an old one gets 412 (as for devices). */
    public String etag() {
        String content = deviceId + '\n' + moduleId + '\n' + primaryKey() + '\n' + secondaryKey() + '\n'
                + Objects.toString(managedBy, "") + '\n' + createdAt.toEpochMilli() + authentication.etagContent();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Tells this module apart from an earlier one with the same id (deleted and created again). */
    public String generationId() {
        return Long.toString(createdAt.toEpochMilli());
    }

    @Override
    public String toString() {
        return "ModuleIdentity[" + id() + ", createdAt=" + createdAt + "]";
    }
}
