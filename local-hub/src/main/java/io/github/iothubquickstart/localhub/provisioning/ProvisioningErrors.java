package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.errors.IotHubError;

/**
 * DPS's failures as HTTP status and six-digit error code (its JSON error body: {@code errorCode}, {@code message},
 * {@code trackingId}); the transports turn an {@link IotHubError} into that body. 401002 is what DPS answers a
 * device whose SAS token does not verify, whatever the reason (unknown registration, wrong key, expired): the
 * device learns nothing about which enrollments exist.
 */
public final class ProvisioningErrors {
    private ProvisioningErrors() {
    }

    public static IotHubError unauthorized() {
        return new IotHubError(401, 401002, "Unauthorized");
    }

    public static IotHubError badRequest(String message) {
        return new IotHubError(400, 400001, message);
    }

    public static IotHubError invalidRegistrationId(String message) {
        return new IotHubError(400, 400004, message);
    }

    /** An individual enrollment: 404201, as DPS answers the service SDKs' end-to-end tests. */
    public static IotHubError enrollmentNotFound(String what) {
        return new IotHubError(404, 404201, what + " not found");
    }

    /** An enrollment group: 404204, as DPS answers the service SDKs' end-to-end tests. */
    public static IotHubError enrollmentGroupNotFound(String what) {
        return new IotHubError(404, 404204, what + " not found");
    }

    /** A registration state (the local hub's code: no SDK test shows DPS's). */
    public static IotHubError registrationNotFound(String registrationId) {
        return new IotHubError(404, 404202, "Registration '" + registrationId + "' not found");
    }

    /** A bulk {@code create} of an enrollment that exists. */
    public static IotHubError enrollmentAlreadyExists(String registrationId) {
        return new IotHubError(409, 409201, "Enrollment '" + registrationId + "' already exists");
    }

    public static IotHubError operationNotFound(String operationId) {
        return new IotHubError(404, 404203, "Operation '" + operationId + "' not found");
    }

    public static IotHubError preconditionFailed(String what) {
        return new IotHubError(412, 412002, "Precondition failed: " + what);
    }

    public static IotHubError notSupported(String what) {
        return new IotHubError(400, 400001, what + " is not supported by the local Device Provisioning Service");
    }
}
