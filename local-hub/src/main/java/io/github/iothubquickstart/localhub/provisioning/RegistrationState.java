package io.github.iothubquickstart.localhub.provisioning;

import com.google.gson.JsonElement;
import java.time.Instant;
import java.util.Objects;

/**
 * A device's registration as DPS records it ({@code DeviceRegistrationState}): when, to which hub, as which device,
 * its status and substatus, the error of a failed attempt, and the custom {@code payload} answered to the device.
 * {@code enrollmentGroupId} names the group it registered through (null: its individual enrollment); DPS uses it
 * to list a group's registrations.
 */
public record RegistrationState(String registrationId, Instant createdDateTimeUtc, String assignedHub,
                                String deviceId, RegistrationStatus status, RegistrationSubstatus substatus,
                                Integer errorCode, String errorMessage, Instant lastUpdatedDateTimeUtc, String etag,
                                JsonElement payload, String enrollmentGroupId) {

    public RegistrationState {
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(status, "status");
        payload = payload == null ? null : payload.deepCopy();
    }

    @Override
    public JsonElement payload() {
        return payload == null ? null : payload.deepCopy();
    }
}
