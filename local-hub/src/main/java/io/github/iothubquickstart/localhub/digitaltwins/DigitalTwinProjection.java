package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.twin.PropertyMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A twin in IoT Hub's digital twin form, as {@code GET /digitaltwins/{id}} answers it: {@code $dtId}, each property
 * with its reported value (an acknowledged writable property's {@code value}), components as nested objects, and
 * {@code $metadata} with the root's {@code $model} and, per property, {@code lastUpdateTime} and, for a writable one,
 * {@code desiredValue}, {@code desiredVersion} and the device's {@code ackVersion}, {@code ackCode},
 * {@code ackDescription}. A property only desired so far shows in {@code $metadata} alone.
 */
public final class DigitalTwinProjection {
    private DigitalTwinProjection() {
    }

    public static JsonObject of(TwinDocument twin) {
        JsonObject digitalTwin = new JsonObject();
        digitalTwin.addProperty("$dtId", twin.deviceId());
        JsonObject metadata = new JsonObject();
        metadata.addProperty("$model", twin.modelId());
        addProperties(digitalTwin, metadata, twin.desired(), twin.desiredMetadata().properties(), twin.reported(),
                twin.reportedMetadata().properties(), true);
        digitalTwin.add("$metadata", metadata);
        return digitalTwin;
    }

    private static void addProperties(JsonObject target, JsonObject metadata,
                                      JsonObject desired, Map<String, PropertyMetadata> desiredMetadata,
                                      JsonObject reported, Map<String, PropertyMetadata> reportedMetadata,
                                      boolean root) {
        Set<String> names = new LinkedHashSet<>(reported.keySet());
        names.addAll(desired.keySet());
        names.remove(PnpConvention.COMPONENT_MARKER);
        for (String name : names) {
            JsonElement desiredValue = desired.get(name);
            JsonElement reportedValue = reported.get(name);
            if (root && (PnpConvention.isComponent(desiredValue) || PnpConvention.isComponent(reportedValue))) {
                target.add(name, component(desiredValue, members(desiredMetadata.get(name)), reportedValue,
                        members(reportedMetadata.get(name))));
                continue;
            }
            JsonObject entry = new JsonObject();
            PropertyMetadata written = null;
            if (desiredValue != null) {
                written = desiredMetadata.get(name);
                entry.add("desiredValue", desiredValue.deepCopy());
                if (written != null) {
                    entry.addProperty("desiredVersion", written.lastUpdatedVersion());
                }
            }
            if (reportedValue != null) {
                written = reportedMetadata.getOrDefault(name, written);
                boolean acknowledged = PnpConvention.isAcknowledgement(reportedValue);
                target.add(name, (acknowledged ? reportedValue.getAsJsonObject().get(PnpConvention.ACK_VALUE)
                        : reportedValue).deepCopy());
                if (acknowledged) {
                    addAcknowledgement(entry, reportedValue.getAsJsonObject());
                }
            }
            if (written != null) {
                entry.addProperty("lastUpdateTime", written.lastUpdated().toString());
            }
            metadata.add(name, entry);
        }
    }

    private static JsonObject component(JsonElement desired, Map<String, PropertyMetadata> desiredMetadata,
                                        JsonElement reported, Map<String, PropertyMetadata> reportedMetadata) {
        JsonObject component = new JsonObject();
        JsonObject metadata = new JsonObject();
        addProperties(component, metadata, objectOrEmpty(desired), desiredMetadata, objectOrEmpty(reported),
                reportedMetadata, false);
        component.add("$metadata", metadata);
        return component;
    }

    /** ackVersion, ackCode and ackDescription, each only when of the type the service SDKs read it as. */
    private static void addAcknowledgement(JsonObject entry, JsonObject acknowledgement) {
        JsonElement version = acknowledgement.get(PnpConvention.ACK_VERSION);
        if (isWholeNumber(version)) {
            entry.addProperty("ackVersion", version.getAsLong());
        }
        JsonElement code = acknowledgement.get(PnpConvention.ACK_CODE);
        if (isWholeNumber(code)) {
            entry.addProperty("ackCode", code.getAsLong());
        }
        JsonElement description = acknowledgement.get(PnpConvention.ACK_DESCRIPTION);
        if (description != null && description.isJsonPrimitive() && description.getAsJsonPrimitive().isString()) {
            entry.addProperty("ackDescription", description.getAsString());
        }
    }

    private static boolean isWholeNumber(JsonElement value) {
        if (value == null || !value.isJsonPrimitive() || !((JsonPrimitive) value).isNumber()) {
            return false;
        }
        double number = value.getAsDouble();
        return number == Math.rint(number) && Math.abs(number) <= Integer.MAX_VALUE;
    }

    private static JsonObject objectOrEmpty(JsonElement value) {
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : new JsonObject();
    }

    private static Map<String, PropertyMetadata> members(PropertyMetadata metadata) {
        return metadata == null ? Map.of() : metadata.members();
    }
}
