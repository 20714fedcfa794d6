package io.github.iothubquickstart.backend;

/** The back-end's exit statuses; each failure has its own so scripts can react. */
public enum ExitStatus {
    OK(0, "the device answered with a 2xx status"),
    DEVICE_ERROR(1, "the device answered with an error status (4xx/5xx)"),
    BAD_INPUT(2, "bad option, payload or connection string"),
    DEVICE_OFFLINE(3, "the device is registered but not connected"),
    DEVICE_UNKNOWN(4, "no device with that id in the hub"),
    TIMEOUT(5, "the device or the hub did not answer in time"),
    AUTHENTICATION_FAILED(6, "the hub rejected the credentials"),
    HUB_UNREACHABLE(7, "cannot reach the hub (connection refused, unknown host, TLS failure)"),
    HUB_ERROR(8, "any other error reported by the hub");

    private final int code;
    private final String meaning;

    ExitStatus(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
