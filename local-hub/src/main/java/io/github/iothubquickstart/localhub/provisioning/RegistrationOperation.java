package io.github.iothubquickstart.localhub.provisioning;

import java.util.Objects;

/**
 * DPS's answer to a registration or to a poll of it ({@code RegistrationOperationStatus}): the operation's id and
 * status, and once it ended ({@code assigned}, {@code failed}, {@code disabled}) the registration state.
 * {@code registrationState} is null while {@code assigning}.
 */
public record RegistrationOperation(String operationId, RegistrationStatus status,
                                    RegistrationState registrationState) {

    public RegistrationOperation {
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(status, "status");
    }

    /** Whether the device should poll again (DPS's 202 with {@code retry-after}). */
    public boolean inProgress() {
        return status == RegistrationStatus.ASSIGNING || status == RegistrationStatus.UNASSIGNED;
    }
}
