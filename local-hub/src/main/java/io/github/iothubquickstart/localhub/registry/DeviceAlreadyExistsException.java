package io.github.iothubquickstart.localhub.registry;

public class DeviceAlreadyExistsException extends RuntimeException {

    private final String deviceId;

    public DeviceAlreadyExistsException(String deviceId) {
        super("device \"" + deviceId + "\" already exists");
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }
}
