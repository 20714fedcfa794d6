package io.github.iothubquickstart.localhub.errors;

/** The one place that knows IoT Hub's error codes; every error the service endpoint returns comes from here. */
public final class IotHubErrors {
    private IotHubErrors() {
    }

    public static IotHubError invalidProtocolVersion(String message) {
        return new IotHubError(400, 400001, message);
    }

    public static IotHubError argumentInvalid(String message) {
        return new IotHubError(400, 400004, message);
    }

    public static IotHubError formatError(String message) {
        return new IotHubError(400, 400006, message);
    }

    /** A bulk registry operation names the same device more than once. */
    public static IotHubError deviceDefinedMultipleTimes(String message) {
        return new IotHubError(400, 400011, message);
    }

    /** A bulk registry operation names more devices than IoT Hub takes in one call. */
    public static IotHubError tooManyDevices(String message) {
        return new IotHubError(413, 413002, message);
    }

    public static IotHubError unauthorized(String message) {
        return new IotHubError(401, 401002, message);
    }

    /** A device asked for an eleventh file upload SAS URI while ten of its uploads are not yet reported done. */
    public static IotHubError deviceMaximumActiveFileUploads(String message) {
        return new IotHubError(403, 403006, message);
    }

    public static IotHubError deviceNotFound(String deviceId) {
        return new IotHubError(404, 404001, "Device " + deviceId + " is not registered in this hub.");
    }

    public static IotHubError moduleNotFound(String deviceId, String moduleId) {
        return new IotHubError(404, 404010, "Device " + deviceId + " has no module " + moduleId + ".");
    }

    public static IotHubError moduleAlreadyExists(String deviceId, String moduleId) {
        return new IotHubError(409, 409301, "Device " + deviceId + " already has a module " + moduleId + ".");
    }

    public static IotHubError deviceNotOnline(String deviceId) {
        return new IotHubError(404, 404103, "Timed out waiting for device " + deviceId + " to connect.");
    }

    public static IotHubError deviceDisconnected(String deviceId) {
        return new IotHubError(404, 404103, "Device " + deviceId + " disconnected before it answered the method call.");
    }

    public static IotHubError deviceAlreadyExists(String deviceId) {
        return new IotHubError(409, 409001, "A device with id " + deviceId + " is already registered.");
    }

    /**
     * The caller's ETag ({@code If-Match}) is not the current one: someone else changed the resource first. 412001
     * is PreconditionFailed in every SDK's table (412002 is DeviceMessageLockLost, a cloud-to-device lock).
     */
    public static IotHubError preconditionFailed(String what) {
        return new IotHubError(412, 412001, "Precondition failed: " + what);
    }

    /** A device settled a cloud-to-device message whose lock it does not hold (wrong, settled, or lapsed lock). */
    public static IotHubError deviceMessageLockLost(String message) {
        return new IotHubError(412, 412002, message);
    }

    /** A device-to-cloud message over IoT Hub's size limit. */
    public static IotHubError messageTooLarge(String message) {
        return new IotHubError(413, 413001, message);
    }

    public static IotHubError notFound(String what) {
        return new IotHubError(404, 404, what);
    }

    public static IotHubError payloadTooLarge(String message) {
        return new IotHubError(400, 400004, message);
    }

    public static IotHubError throttled(String message) {
        return new IotHubError(429, 429001, message);
    }

    public static IotHubError gatewayTimeout(String deviceId, int seconds) {
        return new IotHubError(504, 504101,
                "Timed out waiting for the response from device " + deviceId + " after " + seconds + " s.");
    }

    public static IotHubError notImplemented(String what) {
        return new IotHubError(501, 501, what + " is not supported by the local hub; see the README's differences from Azure IoT Hub.");
    }

    /** IoT Hub runs one import or export job at a time; another one is refused until it ends. */
    public static IotHubError jobQuotaExceeded(String message) {
        return new IotHubError(403, 403003, message);
    }

    public static IotHubError jobNotFound(String jobId) {
        return new IotHubError(404, 404002, "There is no import or export job " + jobId + ".");
    }

    /** An import line that is not a device or module in IoT Hub's shape, as {@code importErrors.log} reports it. */
    public static IotHubError deserializationError(String message) {
        return new IotHubError(400, 400012, message);
    }

    /** IoT Hub's answer when it cannot take a request now (ServiceUnavailable); the SDKs retry it. */
    public static IotHubError serviceUnavailable(String message) {
        return new IotHubError(503, 503001, message);
    }

    public static IotHubError serverError(String message) {
        return new IotHubError(500, 500001, message);
    }

    /**
     * IoT Hub's name of an error code ({@code DeviceAlreadyExists} for 409001 and so on), as a bulk registry
     * operation reports it per device and as every error body carries it ({@code ErrorCode:<name>;}, header
     * {@code iothub-errorcode}); the names are those of the SDKs' own tables (.NET {@code ErrorCode}, Java
     * {@code ErrorCodeDescription}). A code IoT Hub has no name for is {@code InvalidErrorCode}, as in those tables.
     */
    public static String codeName(int errorCode) {
        return switch (errorCode) {
            case 400001 -> "InvalidProtocolVersion";
            case 400004 -> "ArgumentInvalid";
            case 400006 -> "IotHubFormatError";
            case 400011 -> "DeviceDefinedMultipleTimes";
            case 400012 -> "DeserializationError";
            case 401002 -> "IotHubUnauthorizedAccess";
            case 403003 -> "JobQuotaExceeded";
            case 403006 -> "DeviceMaximumActiveFileUploadLimitExceeded";
            case 404001 -> "DeviceNotFound";
            case 404002 -> "JobNotFound";
            case 404010 -> "ModuleNotFound";
            case 404103 -> "DeviceNotOnline";
            case 409001 -> "DeviceAlreadyExists";
            case 409301 -> "ModuleAlreadyExistsOnDevice";
            case 412001 -> "PreconditionFailed";
            case 412002 -> "DeviceMessageLockLost";
            case 413001 -> "MessageTooLarge";
            case 413002 -> "TooManyDevices";
            case 429001 -> "ThrottlingException";
            case 500001 -> "ServerError";
            case 503001 -> "ServiceUnavailable";
            case 504101 -> "GatewayTimeout";
            default -> "InvalidErrorCode";
        };
    }
}
