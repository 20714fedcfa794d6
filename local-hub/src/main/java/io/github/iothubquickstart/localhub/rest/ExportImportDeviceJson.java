package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.importexport.DeviceLineFormat;
import io.github.iothubquickstart.localhub.importexport.ImportEntry;
import io.github.iothubquickstart.localhub.importexport.ImportExportMode;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.wire.EdgeHierarchyJson;
import io.github.iothubquickstart.localhub.wire.TwinJson;

/**
 * A line of IoT Hub's {@code devices.txt} ({@code ExportImportDevice}): {@code id}, {@code moduleId} for a module,
 * {@code eTag}, {@code status}, {@code statusReason}, {@code authentication}, {@code twinETag}, {@code tags},
 * {@code properties} (desired and reported, with {@code $metadata} and {@code $version}), {@code capabilities},
 * {@code deviceScope}, {@code parentScopes}, and for an import {@code importMode}. An import line takes the same
 * members as a bulk registry entry ({@link DeviceJson}, {@link ModuleJson}) plus the twin's.
 */
public final class ExportImportDeviceJson implements DeviceLineFormat {

    @Override
    public String deviceLine(RegisteredDevice device, TwinDocument twin, boolean excludeKeys) {
        DeviceIdentity identity = device.identity();
        JsonObject json = new JsonObject();
        json.addProperty("id", identity.deviceId());
        json.addProperty("eTag", identity.etag());
        json.addProperty("status", identity.enabled() ? "enabled" : "disabled");
        if (identity.statusReason() != null) {
            json.addProperty("statusReason", identity.statusReason());
        }
        addAuthentication(json, identity.authentication(), excludeKeys);
        addTwin(json, twin, TwinJson.forService(twin, device));
        EdgeHierarchyJson.addTo(json, identity.edge());
        return json.toString();
    }

    @Override
    public String moduleLine(RegisteredModule module, TwinDocument twin, boolean excludeKeys) {
        JsonObject json = new JsonObject();
        json.addProperty("id", module.identity().deviceId());
        json.addProperty("moduleId", module.identity().moduleId());
        json.addProperty("eTag", module.identity().etag());
        json.addProperty("status", "enabled");
        if (module.identity().managedBy() != null) {
            json.addProperty("managedBy", module.identity().managedBy());
        }
        addAuthentication(json, module.identity().authentication(), excludeKeys);
        addTwin(json, twin, TwinJson.forService(twin, module));
        return json.toString();
    }

    /** IoT Hub's {@code authentication} member; with the keys left out they are written as null (the type stays). */
    private static void addAuthentication(JsonObject json, io.github.iothubquickstart.localhub.registry.Authentication
            authentication, boolean excludeKeys) {
        AuthenticationJson.addTo(json, authentication);
        if (excludeKeys) {
            JsonObject keys = json.getAsJsonObject("authentication").getAsJsonObject("symmetricKey");
            keys.add("primaryKey", JsonNull.INSTANCE);
            keys.add("secondaryKey", JsonNull.INSTANCE);
        }
    }

    private static void addTwin(JsonObject json, TwinDocument twin, JsonObject serviceTwin) {
        json.addProperty("twinETag", twin.etag());
        json.add("tags", serviceTwin.get("tags"));
        json.add("properties", serviceTwin.get("properties"));
    }

    @Override
    public ImportEntry parse(String line) {
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(line);
            if (!parsed.isJsonObject()) {
                throw IotHubErrors.formatError("A line must be one JSON object.");
            }
            json = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw IotHubErrors.formatError("A line must be one JSON object (" + e.getMessage() + ").");
        }
        String id = AuthenticationJson.blankToNull(DeviceJson.string(json, "id"));
        if (id == null) {
            throw IotHubErrors.argumentInvalid("The line has no id.");
        }
        String moduleId = AuthenticationJson.blankToNull(DeviceJson.string(json, "moduleId"));
        String modeText = DeviceJson.string(json, "importMode");
        ImportExportMode mode = modeText == null ? ImportExportMode.CREATE_OR_UPDATE
                : ImportExportMode.parse(modeText).orElseThrow(() -> IotHubErrors.argumentInvalid("importMode "
                        + modeText + " is not one of IoT Hub's: createOrUpdate, create, update, updateIfMatchETag,"
                        + " createOrUpdateIfMatchETag, delete, deleteIfMatchETag, updateTwin, updateTwinIfMatchETag."));
        JsonObject properties = DeviceJson.objectMember(json, "properties");
        return new ImportEntry(id, moduleId, mode, DeviceJson.string(json, "eTag"),
                DeviceJson.string(json, "twinETag"),
                moduleId == null ? DeviceJson.fromJson(json) : null,
                moduleId == null ? null : ModuleJson.fromJson(json),
                DeviceJson.objectMember(json, "tags"),
                properties == null ? null : section(properties, "desired"),
                properties == null ? null : section(properties, "reported"));
    }

    /** A twin section as imported: what the export wrote, less its {@code $metadata} and {@code $version}. */
    private static JsonObject section(JsonObject properties, String name) {
        JsonObject section = DeviceJson.objectMember(properties, name);
        if (section == null) {
            return null;
        }
        JsonObject values = section.deepCopy();
        values.remove("$metadata");
        values.remove("$version");
        return values;
    }

    @Override
    public String errorLine(String deviceId, String moduleId, IotHubError error) {
        JsonObject json = new JsonObject();
        if (deviceId != null) {
            json.addProperty("deviceId", deviceId);
        }
        if (moduleId != null) {
            json.addProperty("moduleId", moduleId);
        }
        json.addProperty("errorCode", error.errorCode());
        json.addProperty("errorStatus", error.getMessage());
        return json.toString();
    }
}
