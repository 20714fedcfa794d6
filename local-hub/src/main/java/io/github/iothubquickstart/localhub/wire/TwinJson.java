package io.github.iothubquickstart.localhub.wire;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.time.Instant;

/**
 * Twins in IoT Hub's JSON shapes, shared by the transports: the service's full twin (REST), the device's view of its
 * properties and a desired-properties notification (MQTT; AMQP uses the same bodies).
 */
public final class TwinJson {
    private TwinJson() {
    }

    /** What {@code GET /twins/{id}} answers, as IoT Hub writes it. */
    public static JsonObject forService(TwinDocument twin, RegisteredDevice device) {
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", twin.deviceId());
        json.addProperty("etag", twin.etag());
        json.addProperty("deviceEtag", device.identity().etag());
        json.addProperty("status", device.identity().enabled() ? "enabled" : "disabled");
        if (device.identity().statusReason() != null) {
            json.addProperty("statusReason", device.identity().statusReason());
        }
        json.addProperty("connectionState", device.presence().connected() ? "Connected" : "Disconnected");
        json.addProperty("connectionStateUpdatedTime", device.presence().connectionStateUpdated().toString());
        json.addProperty("lastActivityTime", device.presence().lastActivity().toString());
        json.addProperty("cloudToDeviceMessageCount", 0);
        json.addProperty("authenticationType", "sas");
        json.addProperty("version", twin.version());
        json.add("tags", twin.tags().deepCopy());
        JsonObject properties = new JsonObject();
        properties.add("desired", section(twin.desired(), twin.desiredVersion(), twin.desiredUpdated()));
        properties.add("reported", section(twin.reported(), twin.reportedVersion(), twin.reportedUpdated()));
        json.add("properties", properties);
        EdgeHierarchyJson.addTo(json, device.identity().edge());
        return json;
    }

    /** The body of the answer to a device's {@code $iothub/twin/GET}. */
    public static JsonObject forDevice(TwinDocument twin) {
        JsonObject json = new JsonObject();
        json.add("desired", section(twin.desired(), twin.desiredVersion(), twin.desiredUpdated()));
        json.add("reported", section(twin.reported(), twin.reportedVersion(), twin.reportedUpdated()));
        return json;
    }

    /** A desired-properties notification: the patch and the new {@code $version}. */
    public static JsonObject desiredNotification(JsonObject patch, long version) {
        JsonObject json = patch.deepCopy();
        json.addProperty("$version", version);
        return json;
    }

    private static JsonObject section(JsonObject properties, long version, Instant updated) {
        JsonObject json = properties.deepCopy();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("$lastUpdated", updated.toString());
        json.add("$metadata", metadata);
        json.addProperty("$version", version);
        return json;
    }
}
