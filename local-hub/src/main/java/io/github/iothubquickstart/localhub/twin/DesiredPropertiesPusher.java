package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;

/**
 * Sends desired-property changes to the device when it is connected and subscribed to them, over whichever
 * transport it uses; a device that is not catches up by reading its twin when it connects, as with IoT Hub.
 */
public final class DesiredPropertiesPusher implements DesiredPropertiesListener {
    private final ConnectedDevices devices;

    public DesiredPropertiesPusher(ConnectedDevices devices) {
        this.devices = devices;
    }

    @Override
    public void desiredPropertiesChanged(String deviceId, JsonObject patch, long version) {
        devices.current(deviceId)
                .filter(ConnectedDevice::acceptsDesiredProperties)
                .ifPresent(device -> device.connection().sendDesiredProperties(patch, version));
    }
}
