package io.github.iothubquickstart.localhub.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The Device Provisioning Service's own shared access policy, {@code provisioningserviceowner}, as DPS has one apart
 * from the hub's policies: its keys are made once per data directory (by the first hub or CLI command that needs
 * them) and kept in {@value #FILE}, readable by its owner only.
 */
public final class ProvisioningServicePolicy {
    public static final String OWNER = "provisioningserviceowner";
    static final String FILE = "provisioning-service-policy.json";

    private ProvisioningServicePolicy() {
    }

    /** The policy of {@code dataDirectory}, made now if it has none. */
    public static SharedAccessPolicy loadOrCreate(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            create(file);
        }
        return read(file);
    }

    /** Made once: when two processes race, the first one's keys are everyone's ({@link SecureFiles#createOwnerOnlyOnce}). */
    private static void create(Path file) {
        JsonObject json = new JsonObject();
        json.addProperty("name", OWNER);
        json.addProperty("primaryKey", SymmetricKeys.random());
        json.addProperty("secondaryKey", SymmetricKeys.random());
        try {
            SecureFiles.createOwnerOnlyOnce(file, json.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + " (" + e + ")", e);
        }
    }

    private static SharedAccessPolicy read(Path file) {
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            return new SharedAccessPolicy(json.get("name").getAsString(), json.get("primaryKey").getAsString(),
                    json.get("secondaryKey").getAsString(), Set.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (" + e + ")", e);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "): delete it and a new"
                    + " provisioningserviceowner key is made on the next start", e);
        }
    }
}
