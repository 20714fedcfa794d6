package io.github.iothubquickstart.localhub.provisioning;

import java.util.Objects;

/**
 * A device that proved it may register as {@code registrationId} in {@code idScope}: through its individual
 * enrollment or one enrollment group (the other null), with the keys it proved (for a group, the derived ones), which
 * become its identity's keys. What a transport holds for the rest of the connection.
 */
public record AttestedDevice(String idScope, String registrationId, IndividualEnrollment individualEnrollment,
                             EnrollmentGroup enrollmentGroup, SymmetricKeyAttestation keys) {

    public AttestedDevice {
        Objects.requireNonNull(idScope, "idScope");
        Objects.requireNonNull(registrationId, "registrationId");
        if ((individualEnrollment == null) == (enrollmentGroup == null)) {
            throw new IllegalArgumentException("a device registers through exactly one enrollment");
        }
    }

    public EnrollmentSettings settings() {
        return individualEnrollment != null ? individualEnrollment.settings() : enrollmentGroup.settings();
    }

    public String deviceId() {
        return individualEnrollment != null ? individualEnrollment.assignedDeviceId() : registrationId;
    }

    /** null for an individual enrollment. */
    public String enrollmentGroupId() {
        return enrollmentGroup == null ? null : enrollmentGroup.enrollmentGroupId();
    }
}
