package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.configurations.ConfigurationService;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.importexport.ConfigurationTransfer;
import java.util.List;

/**
 * {@code configurations.txt} of an import or export job with {@code includeConfigurations}: each line a configuration
 * in the JSON {@code ConfigurationsClient} reads (export), or writes, optionally with IoT Hub's
 * {@code "importMode": "createOrUpdateIfMatchETag"} (import).
 */
public final class ConfigurationLines implements ConfigurationTransfer {
    private static final String IMPORT_MODE = "createOrUpdateIfMatchETag";

    private final ConfigurationService configurations;

    public ConfigurationLines(ConfigurationService configurations) {
        this.configurations = configurations;
    }

    @Override
    public List<String> exportLines() {
        return configurations.list(null).stream().map(view -> ConfigurationJson.toJson(view).toString()).toList();
    }

    @Override
    public void importLine(String line) {
        JsonObject json = JsonBodies.requireObject(line, "describing a configuration");
        String mode = string(json, "importMode");
        if (mode != null && !mode.equalsIgnoreCase(IMPORT_MODE)) {
            throw IotHubErrors.argumentInvalid("A configuration's importMode is " + IMPORT_MODE + ", not " + mode
                    + ".");
        }
        String id = string(json, "id");
        if (id == null) {
            throw IotHubErrors.argumentInvalid("The configuration line has no id.");
        }
        var draft = ConfigurationJson.parse(line);
        if (!exists(id)) {
            configurations.put(id, draft, null);
            return;
        }
        String etag = string(json, "etag");
        configurations.put(id, draft, etag == null ? "*" : etag);
    }

    @Override
    public String errorLine(String line, IotHubError error) {
        JsonObject json = new JsonObject();
        String id = idIn(line);
        if (id != null) {
            json.addProperty("configurationId", id);
        }
        json.addProperty("errorCode", error.errorCode());
        json.addProperty("errorStatus", error.getMessage());
        return json.toString();
    }

    private boolean exists(String id) {
        try {
            configurations.get(id);
            return true;
        } catch (IotHubError e) {
            if (e.httpStatus() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String idIn(String line) {
        try {
            JsonElement parsed = JsonParser.parseString(line);
            return parsed.isJsonObject() ? string(parsed.getAsJsonObject(), "id") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String string(JsonObject json, String name) {
        JsonElement value = json.get(name);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                ? value.getAsString() : null;
    }
}
