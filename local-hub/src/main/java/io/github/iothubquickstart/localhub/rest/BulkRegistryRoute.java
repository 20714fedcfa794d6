package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.BulkDeviceError;
import io.github.iothubquickstart.localhub.registry.BulkDeviceOperation;
import io.github.iothubquickstart.localhub.registry.BulkModuleOperation;
import io.github.iothubquickstart.localhub.registry.BulkRegistryEntry;
import io.github.iothubquickstart.localhub.registry.BulkRegistryOperations;
import io.github.iothubquickstart.localhub.registry.ImportMode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * IoT Hub's bulk registry operation, {@code POST /devices}: a JSON array of devices and modules in the import shape
 * ({@code id}, {@code moduleId} for a module, {@code importMode}, {@code eTag}, {@code status},
 * {@code authentication}, {@code managedBy}, ...). Answers 200 with {@code {"isSuccessful":true,"errors":[],
 * "warnings":[]}}, or 400 with {@code isSuccessful} false and one error per entry that was not applied
 * ({@code deviceId}, {@code moduleId} for a module, {@code errorCode} by name, {@code errorStatus}). Needs
 * REGISTRY_WRITE.
 */
public final class BulkRegistryRoute implements Handler<RoutingContext> {
    /** IoT Hub's import modes that change twins instead of identities; the local hub has none of them. */
    private static final Set<String> TWIN_IMPORT_MODES = Set.of("updatetwin", "updatetwinifmatchetag");

    private final ServiceAuthenticator authenticator;
    private final BulkRegistryOperations operations;

    public BulkRegistryRoute(ServiceAuthenticator authenticator, BulkRegistryOperations operations) {
        this.authenticator = authenticator;
        this.operations = operations;
    }

    @Override
    public void handle(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.REGISTRY_WRITE);
        List<BulkDeviceError> errors = operations.apply(parse(context.body().asString()));
        JsonObject result = new JsonObject();
        result.addProperty("isSuccessful", errors.isEmpty());
        JsonArray errorArray = new JsonArray();
        for (BulkDeviceError error : errors) {
            JsonObject json = new JsonObject();
            json.addProperty("deviceId", error.deviceId());
            if (error.moduleId() != null) {
                json.addProperty("moduleId", error.moduleId());
            }
            json.addProperty("errorCode", IotHubErrors.codeName(error.error().errorCode()));
            json.addProperty("errorStatus", error.error().getMessage());
            errorArray.add(json);
        }
        result.add("errors", errorArray);
        result.add("warnings", new JsonArray());
        context.response().setStatusCode(errors.isEmpty() ? 200 : 400)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(result.toString());
    }

    static List<BulkRegistryEntry> parse(String body) {
        JsonArray array = array(body);
        List<BulkRegistryEntry> parsed = new ArrayList<>(array.size());
        for (JsonElement element : array) {
            if (!element.isJsonObject()) {
                throw IotHubErrors.formatError("Each entry of a bulk registry operation must be a JSON object.");
            }
            parsed.add(operation(element.getAsJsonObject()));
        }
        return parsed;
    }

    private static BulkRegistryEntry operation(JsonObject json) {
        String id = DeviceJson.string(json, "id");
        if (id == null || id.isBlank()) {
            throw IotHubErrors.argumentInvalid("Each entry of a bulk registry operation needs the device's id.");
        }
        String moduleId = DeviceJson.string(json, "moduleId");
        String identity = moduleId == null ? "device " + id : "module " + moduleId + " of device " + id;
        if (present(json, "tags") || present(json, "properties")) {
            throw IotHubErrors.notImplemented("Twin tags and properties in a bulk registry operation (" + identity + ")");
        }
        ImportMode mode = importMode(identity, DeviceJson.string(json, "importMode"));
        String eTag = DeviceJson.string(json, "eTag");
        if (moduleId != null) {
            return new BulkModuleOperation(id, moduleId, mode, ModuleJson.fromJson(json), eTag);
        }
        return new BulkDeviceOperation(id, mode, DeviceJson.fromJson(json), eTag);
    }

    private static ImportMode importMode(String identity, String text) {
        if (text != null && TWIN_IMPORT_MODES.contains(text.toLowerCase(java.util.Locale.ROOT))) {
            throw IotHubErrors.notImplemented("importMode " + text + " (" + identity + ")");
        }
        return ImportMode.parse(text).orElseThrow(() -> IotHubErrors.argumentInvalid("The entry for " + identity
                + " has importMode " + text + "; a bulk registry operation takes create, update, updateIfMatchETag,"
                + " delete or deleteIfMatchETag."));
    }

    private static boolean present(JsonObject json, String member) {
        return json.has(member) && !json.get(member).isJsonNull();
    }

    private static JsonArray array(String body) {
        if (body == null || body.isBlank()) {
            throw IotHubErrors.formatError("The request body is empty; send a JSON array of devices.");
        }
        try {
            JsonElement json = JsonParser.parseString(body);
            if (json.isJsonArray()) {
                return json.getAsJsonArray();
            }
        } catch (JsonParseException e) {
            // answered below
        }
        throw IotHubErrors.formatError("The request body must be a JSON array of devices.");
    }
}
