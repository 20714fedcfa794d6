package io.github.iothubquickstart.localhub.provisioning;

import java.time.Instant;
import java.util.Objects;

/**
 * One device's enrollment, keyed by its {@code registrationId}. {@code deviceId} is the identity DPS creates (null:
 * the registration id). {@code etag} changes with every write; times are the service's.
 */
public record IndividualEnrollment(String registrationId, String deviceId, EnrollmentSettings settings, String etag,
                                   Instant createdDateTimeUtc, Instant lastUpdatedDateTimeUtc) {

    public IndividualEnrollment {
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(settings, "settings");
    }

    /** The device id DPS gives the device: the enrollment's, else the registration id. */
    public String assignedDeviceId() {
        return deviceId == null || deviceId.isEmpty() ? registrationId : deviceId;
    }
}
