package io.github.iothubquickstart.localhub.errors;

/**
 * A failure the hub reports to a service caller in IoT Hub's own terms: an HTTP status and a six-digit error code
 * (404103 and friends) that the Azure SDKs turn into their typed exceptions.
 */
public final class IotHubError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public IotHubError(int httpStatus, int errorCode, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }
}
