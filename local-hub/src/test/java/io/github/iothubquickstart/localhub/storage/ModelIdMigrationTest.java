package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema version 7 registry (before IoT Plug and Play model ids) opens in this hub with its devices, modules and
 * twins as they were, no model id on any twin, and a model id set afterwards survives a reopening.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelIdMigrationTest {
    @TempDir
    Path directory;

    @Test
    void versionSevenTwinsKeepTheirPropertiesAndGainAModelIdColumn() throws Exception {
        Path file = directory.resolve("registry.db");
        TwinDocument before;
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            registry.createDevice("old-device");
            registry.createModule("old-device", "old-module", null, null, null);
            before = twins.update("old-device", twin -> new TwinDocument(twin.deviceId(), twin.version() + 1,
                    JsonParser.parseString("{\"site\":\"north\"}").getAsJsonObject(),
                    JsonParser.parseString("{\"interval\":7}").getAsJsonObject(), twin.desiredVersion() + 1,
                    twin.desiredUpdated(), twin.desiredMetadata(), twin.reported(), twin.reportedVersion(),
                    twin.reportedUpdated(), twin.reportedMetadata()));
            twins.update(IdentityId.module("old-device", "old-module"), twin -> new TwinDocument(twin.deviceId(),
                    twin.version() + 1, twin.tags(), twin.desired(), twin.desiredVersion(), twin.desiredUpdated(),
                    twin.desiredMetadata(), JsonParser.parseString("{\"on\":true}").getAsJsonObject(),
                    twin.reportedVersion() + 1, twin.reportedUpdated(), twin.reportedMetadata()));
        }
        toVersionSeven(file);
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(7);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
            assertThat(twins.load("old-device")).isEqualTo(before);
            assertThat(twins.load("old-device").modelId()).isNull();
            TwinDocument module = twins.load(IdentityId.module("old-device", "old-module"));
            assertThat(module.reported().get("on").getAsBoolean()).isTrue();
            assertThat(module.modelId()).isNull();

            twins.update("old-device", twin -> twin.withModelId("dtmi:com:example:Thermostat;1"));
            twins.update(IdentityId.module("old-device", "old-module"),
                    twin -> twin.withModelId("dtmi:com:example:Sensor;2"));
        }

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            TwinDocument device = twins.load("old-device");
            assertThat(device.modelId()).isEqualTo("dtmi:com:example:Thermostat;1");
            assertThat(device.version()).as("a model id moves no twin version").isEqualTo(before.version());
            assertThat(device.desired()).isEqualTo(before.desired());
            assertThat(twins.load(IdentityId.module("old-device", "old-module")).modelId())
                    .isEqualTo("dtmi:com:example:Sensor;2");
        }
    }

    /** What a version 7 hub left: the same tables without the model_id columns. */
    private static void toVersionSeven(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE twin DROP COLUMN model_id");
            statement.execute("ALTER TABLE module_twin DROP COLUMN model_id");
            statement.execute("PRAGMA user_version = 7");
        }
    }
}
