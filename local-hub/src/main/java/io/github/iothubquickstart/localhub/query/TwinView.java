package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.twin.TwinDocument;

/**
 * A twin as queries see it and return it: the whole twin document with the device's status and connection state.
 * The transport supplies it, since that JSON shape is IoT Hub's wire format for twins.
 */
@FunctionalInterface
public interface TwinView {
    JsonObject of(TwinDocument twin, RegisteredDevice device);
}
