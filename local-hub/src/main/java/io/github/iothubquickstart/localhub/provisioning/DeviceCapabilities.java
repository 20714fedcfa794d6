package io.github.iothubquickstart.localhub.provisioning;

/** The capabilities DPS gives the device it creates ({@code capabilities.iotEdge}). */
public record DeviceCapabilities(boolean iotEdge) {
    public static final DeviceCapabilities NONE = new DeviceCapabilities(false);
}
