package io.github.iothubquickstart.localhub.cloudtodevice;

/** Why the hub did not queue a cloud-to-device message, or purge a queue; each transport says it in its own words. */
public final class CloudToDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** IoT Hub's reasons. */
    public enum Reason { DEVICE_NOT_FOUND, QUEUE_FULL, MESSAGE_TOO_LARGE, NOT_STORED }

    private final Reason reason;

    public CloudToDeviceException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
