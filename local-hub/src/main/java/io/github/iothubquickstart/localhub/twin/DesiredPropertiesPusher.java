package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.registry.IdentityId;

/**
 * Sends desired-property changes to the device (or module) when it is connected and subscribed to them, over whichever
 * transport it uses; a device that is not catches up by reading its twin when it connects, as with IoT Hub.
 */
public final class DesiredPropertiesPusher implements DesiredPropertiesListener {
    private final ConnectedDevices devices;

    public DesiredPropertiesPusher(ConnectedDevices devices) {
        this.devices = devices;
    }

    @Override
    public void desiredPropertiesChanged(String deviceId, JsonObject patch, long version) {
        desiredPropertiesChanged(IdentityId.device(deviceId), patch, version);
    }

    @Override
    public void desiredPropertiesChanged(IdentityId owner, JsonObject patch, long version) {
        devices.current(owner)
                .filter(ConnectedDevice::acceptsDesiredProperties)
                .ifPresent(device -> device.connection().sendDesiredProperties(patch, version));
    }
}
