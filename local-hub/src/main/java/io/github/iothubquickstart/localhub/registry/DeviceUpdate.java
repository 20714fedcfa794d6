package io.github.iothubquickstart.localhub.registry;

/**
 * What a caller asks to set on a device: keys (null: generate on create, keep on update), status and reason.
 */
public record DeviceUpdate(String primaryKey, String secondaryKey, boolean enabled, String statusReason) {

    public static DeviceUpdate enabledWithGeneratedKeys() {
        return new DeviceUpdate(null, null, true, null);
    }

    /** Keys come as a pair: IoT Hub has no device with only one. */
    public boolean hasKeys() {
        return primaryKey != null && secondaryKey != null;
    }
}
