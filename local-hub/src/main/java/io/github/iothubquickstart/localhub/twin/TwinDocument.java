package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One device's twin: tags (service only), desired properties (service writes, device reads) and reported
 * properties (device writes), each with IoT Hub's version counters, and for each property of the two property
 * sections when it was last written ({@link SectionMetadata}). The JSON objects are never modified in place: every
 * change makes a new document. {@code modelId} is the IoT Plug and Play model the device or module announced when it
 * last connected with one (null when it never did); it belongs to no section and moves no version.
 */
public record TwinDocument(String deviceId, long version, JsonObject tags,
                           JsonObject desired, long desiredVersion, Instant desiredUpdated,
                           SectionMetadata desiredMetadata,
                           JsonObject reported, long reportedVersion, Instant reportedUpdated,
                           SectionMetadata reportedMetadata, String modelId) {

    public TwinDocument {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(reported, "reported");
        Objects.requireNonNull(desiredUpdated, "desiredUpdated");
        Objects.requireNonNull(reportedUpdated, "reportedUpdated");
        Objects.requireNonNull(desiredMetadata, "desiredMetadata");
        Objects.requireNonNull(reportedMetadata, "reportedMetadata");
    }

    /** A twin of a device or module that never announced a model. */
    public TwinDocument(String deviceId, long version, JsonObject tags,
                        JsonObject desired, long desiredVersion, Instant desiredUpdated, SectionMetadata desiredMetadata,
                        JsonObject reported, long reportedVersion, Instant reportedUpdated,
                        SectionMetadata reportedMetadata) {
        this(deviceId, version, tags, desired, desiredVersion, desiredUpdated, desiredMetadata, reported,
                reportedVersion, reportedUpdated, reportedMetadata, null);
    }

    /** The twin a device has from the moment it is registered. */
    public static TwinDocument empty(String deviceId, Instant now) {
        return new TwinDocument(deviceId, 1, new JsonObject(), new JsonObject(), 1, now, SectionMetadata.empty(),
                new JsonObject(), 1, now, SectionMetadata.empty());
    }

    /** IoT Hub's twin ETag: the twin version as 8 bytes, base64 ("AAAAAAAAAAE=" for version 1). */
    public String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }

    TwinDocument withTags(JsonObject newTags) {
        return new TwinDocument(deviceId, version + 1, newTags, desired, desiredVersion, desiredUpdated,
                desiredMetadata, reported, reportedVersion, reportedUpdated, reportedMetadata, modelId);
    }

    /** The desired properties {@code newDesired}, made by {@code written} (a merge patch or the whole section). */
    TwinDocument withDesired(JsonObject written, JsonObject newDesired, Instant now) {
        long newVersion = desiredVersion + 1;
        return new TwinDocument(deviceId, version + 1, tags, newDesired, newVersion, now,
                desiredMetadata.written(written, newDesired, now, newVersion),
                reported, reportedVersion, reportedUpdated, reportedMetadata, modelId);
    }

    /** The reported properties {@code newReported}, made by the merge patch {@code written}. */
    TwinDocument withReported(JsonObject written, JsonObject newReported, Instant now) {
        long newVersion = reportedVersion + 1;
        return new TwinDocument(deviceId, version + 1, tags, desired, desiredVersion, desiredUpdated, desiredMetadata,
                newReported, newVersion, now, reportedMetadata.written(written, newReported, now, newVersion),
                modelId);
    }

    /** The twin with the model its device announced; this very twin when it already has that model. */
    public TwinDocument withModelId(String announced) {
        if (Objects.equals(modelId, announced)) {
            return this;
        }
        return new TwinDocument(deviceId, version, tags, desired, desiredVersion, desiredUpdated, desiredMetadata,
                reported, reportedVersion, reportedUpdated, reportedMetadata, announced);
    }
}
