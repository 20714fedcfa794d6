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

    public static IotHubError enrollmentNotFound(String what) {
        return new IotHubError(404, 404202, what + " not found");
    }

    public static IotHubError registrationNotFound(String registrationId) {
        return new IotHubError(404, 404201, "Registration '" + registrationId + "' not found");
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
