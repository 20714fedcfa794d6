package io.github.iothubquickstart.localhub.mqtt;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.device.DeviceSession;
import io.github.iothubquickstart.localhub.device.DeviceSessions;
import io.github.iothubquickstart.localhub.twin.DesiredPropertiesListener;
import io.github.iothubquickstart.localhub.twin.TwinJson;
import io.vertx.core.buffer.Buffer;

/**
 * Sends desired-property changes to the device when it is connected and subscribed to them; a device that is not
 * catches up by reading its twin when it connects, as with IoT Hub.
 */
public final class DesiredPropertiesPublisher implements DesiredPropertiesListener {
    private final DeviceSessions sessions;

    public DesiredPropertiesPublisher(DeviceSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void desiredPropertiesChanged(String deviceId, JsonObject patch, long version) {
        sessions.current(deviceId)
                .filter(DeviceSession::acceptsDesiredProperties)
                .ifPresent(session -> session.publish(DeviceTopics.desiredPropertiesPatch(version),
                        Buffer.buffer(TwinJson.desiredNotification(patch, version).toString())));
    }
}
