package io.github.iothubquickstart.localhub.provisioning;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment group, keyed by its {@code enrollmentGroupId}: every device that proves membership (a key derived
 * from the group key, or a certificate chained to the group's signing certificate) may register, each with its
 * registration id as device id.
 */
public record EnrollmentGroup(String enrollmentGroupId, EnrollmentSettings settings, String etag,
                              Instant createdDateTimeUtc, Instant lastUpdatedDateTimeUtc) {

    public EnrollmentGroup {
        Objects.requireNonNull(enrollmentGroupId, "enrollmentGroupId");
        Objects.requireNonNull(settings, "settings");
    }
}
