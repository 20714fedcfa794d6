package io.github.iothubquickstart.localhub.wire;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.twin.PropertyMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.time.Instant;
import java.util.Map;

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
        addModelId(json, twin);
        json.addProperty("etag", twin.etag());
        json.addProperty("deviceEtag", device.identity().etag());
        json.addProperty("status", device.identity().enabled() ? "enabled" : "disabled");
        if (device.identity().statusReason() != null) {
            json.addProperty("statusReason", device.identity().statusReason());
        }
        json.addProperty("connectionState", device.presence().connected() ? "Connected" : "Disconnected");
        json.addProperty("connectionStateUpdatedTime", device.presence().connectionStateUpdated().toString());
        json.addProperty("lastActivityTime", device.presence().lastActivity().toString());
        json.addProperty("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        addAuthentication(json, device.identity().authentication());
        addSections(json, twin);
        EdgeHierarchyJson.addTo(json, device.identity().edge());
        return json;
    }

    /** The IoT Plug and Play model the device or module announced; IoT Hub writes "" for one that never did. */
    private static void addModelId(JsonObject json, TwinDocument twin) {
        json.addProperty("modelId", twin.modelId() == null ? "" : twin.modelId());
    }

    /** {@code authenticationType} and {@code x509Thumbprint} (nulls unless selfSigned), as IoT Hub writes a twin. */
    private static void addAuthentication(JsonObject json, Authentication authentication) {
        json.addProperty("authenticationType", authentication.type().wireName());
        JsonObject thumbprints = new JsonObject();
        thumbprints.addProperty("primaryThumbprint", authentication.primaryThumbprint());
        thumbprints.addProperty("secondaryThumbprint", authentication.secondaryThumbprint());
        json.add("x509Thumbprint", thumbprints);
    }

    /** The twin's version, tags and properties with their metadata, the same for device and module twins. */
    private static void addSections(JsonObject json, TwinDocument twin) {
        json.addProperty("version", twin.version());
        json.add("tags", twin.tags().deepCopy());
        JsonObject properties = new JsonObject();
        properties.add("desired", withMetadata(twin.desired(), twin.desiredVersion(),
                metadata(twin.desiredUpdated(), twin.desiredVersion(), twin.desiredMetadata().properties(), true)));
        properties.add("reported", withMetadata(twin.reported(), twin.reportedVersion(),
                metadata(twin.reportedUpdated(), twin.reportedVersion(), twin.reportedMetadata().properties(), false)));
        json.add("properties", properties);
    }

    /**
     * What {@code GET /twins/{id}/modules/{mid}} answers: the module's twin, with {@code moduleId}; a module has no
     * status or Edge scopes of its own.
     */
    public static JsonObject forService(TwinDocument twin, RegisteredModule module) {
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", module.identity().deviceId());
        json.addProperty("moduleId", module.identity().moduleId());
        addModelId(json, twin);
        json.addProperty("etag", twin.etag());
        json.addProperty("deviceEtag", module.identity().etag());
        json.addProperty("connectionState", module.presence().connected() ? "Connected" : "Disconnected");
        json.addProperty("connectionStateUpdatedTime", module.presence().connectionStateUpdated().toString());
        json.addProperty("lastActivityTime", module.presence().lastActivity().toString());
        json.addProperty("cloudToDeviceMessageCount", 0);
        addAuthentication(json, module.identity().authentication());
        addSections(json, twin);
        return json;
    }

    /**
     * The body of the answer to a device's {@code $iothub/twin/GET}: each section's properties and {@code $version},
     * without {@code $metadata}, as IoT Hub answers it.
     */
    public static JsonObject forDevice(TwinDocument twin) {
        JsonObject json = new JsonObject();
        json.add("desired", withVersion(twin.desired(), twin.desiredVersion()));
        json.add("reported", withVersion(twin.reported(), twin.reportedVersion()));
        return json;
    }

    /** A desired-properties notification: the patch and the new {@code $version}. */
    public static JsonObject desiredNotification(JsonObject patch, long version) {
        JsonObject json = patch.deepCopy();
        json.addProperty("$version", version);
        return json;
    }

    private static JsonObject withVersion(JsonObject properties, long version) {
        JsonObject json = properties.deepCopy();
        json.addProperty("$version", version);
        return json;
    }

    private static JsonObject withMetadata(JsonObject properties, long version, JsonObject metadata) {
        JsonObject json = properties.deepCopy();
        json.add("$metadata", metadata);
        json.addProperty("$version", version);
        return json;
    }

    /**
     * IoT Hub's {@code $metadata} of a section or of an object property: its own {@code $lastUpdated}, then one entry
     * per member. IoT Hub writes {@code $lastUpdatedVersion} in desired properties only.
     */
    private static JsonObject metadata(Instant updated, long version, Map<String, PropertyMetadata> members,
                                       boolean withVersions) {
        JsonObject json = new JsonObject();
        json.addProperty("$lastUpdated", updated.toString());
        if (withVersions) {
            json.addProperty("$lastUpdatedVersion", version);
        }
        members.forEach((name, member) -> json.add(name, metadata(member.lastUpdated(), member.lastUpdatedVersion(),
                member.members(), withVersions)));
        return json;
    }
}
