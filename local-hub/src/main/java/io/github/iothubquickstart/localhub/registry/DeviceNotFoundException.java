package io.github.iothubquickstart.localhub.registry;

public class DeviceNotFoundException extends RuntimeException {

    private final String deviceId;

    public DeviceNotFoundException(String deviceId) {
        super("device \"" + deviceId + "\" is not registered");
        this.deviceId = deviceId;
    }

    public String deviceId() {
        return deviceId;
    }
}
