package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One device's twin: tags (service only), desired properties (service writes, device reads) and reported
 * properties (device writes), each with IoT Hub's version counters. The JSON objects are never modified in place:
 * every change makes a new document.
 */
public record TwinDocument(String deviceId, long version, JsonObject tags,
                           JsonObject desired, long desiredVersion, Instant desiredUpdated,
                           JsonObject reported, long reportedVersion, Instant reportedUpdated) {

    public TwinDocument {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(reported, "reported");
        Objects.requireNonNull(desiredUpdated, "desiredUpdated");
        Objects.requireNonNull(reportedUpdated, "reportedUpdated");
    }

    /** The twin a device has from the moment it is registered. */
    public static TwinDocument empty(String deviceId, Instant now) {
        return new TwinDocument(deviceId, 1, new JsonObject(), new JsonObject(), 1, now, new JsonObject(), 1, now);
    }

    /** IoT Hub's twin ETag: the twin version as 8 bytes, base64 ("AAAAAAAAAAE=" for version 1). */
    public String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }

    TwinDocument withTags(JsonObject newTags) {
        return new TwinDocument(deviceId, version + 1, newTags, desired, desiredVersion, desiredUpdated,
                reported, reportedVersion, reportedUpdated);
    }

    TwinDocument withDesired(JsonObject newDesired, Instant now) {
        return new TwinDocument(deviceId, version + 1, tags, newDesired, desiredVersion + 1, now,
                reported, reportedVersion, reportedUpdated);
    }

    TwinDocument withReported(JsonObject newReported, Instant now) {
        return new TwinDocument(deviceId, version + 1, tags, desired, desiredVersion, desiredUpdated,
                newReported, reportedVersion + 1, now);
    }
}
