package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.configurations.Configuration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configurations.db keeps a module configuration as one (after a reopen), and a file from before module
 * configurations opens with its configurations as device configurations.
 */
class SqliteConfigurationStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path directory;

    @Test
    void aModuleConfigurationAndWhatWasAppliedToAModuleSurviveAReopen() {
        Path file = directory.resolve("configurations.db");
        try (SqliteConfigurationStore store = SqliteConfigurationStore.open(file)) {
            store.put(new Configuration("sensors", "1.0", Map.of(), Map.of("properties.desired.rate",
                    new JsonPrimitive(5)), "FROM devices.modules WHERE moduleId = 'sensor'", 2, T0, T0, Map.of(), 1,
                    true));
            store.put(new Configuration("devices", "1.0", Map.of(), Map.of("properties.desired.rate",
                    new JsonPrimitive(1)), "*", 1, T0, T0, Map.of(), 1));
            store.setApplied("gateway/sensor", "sensors");
        }
        try (SqliteConfigurationStore store = SqliteConfigurationStore.open(file)) {
            assertThat(store.find("sensors").orElseThrow().forModules()).isTrue();
            assertThat(store.find("devices").orElseThrow().forModules()).isFalse();
            assertThat(store.applied()).containsEntry("gateway/sensor", "sensors");
        }
    }

    @Test
    void aFileFromBeforeModuleConfigurationsOpensWithDeviceConfigurations() throws Exception {
        Path file = directory.resolve("configurations.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE configuration (id TEXT PRIMARY KEY, schema_version TEXT NOT NULL,"
                    + " labels TEXT NOT NULL, device_content TEXT NOT NULL, target_condition TEXT,"
                    + " priority INTEGER NOT NULL, created_millis INTEGER NOT NULL, updated_millis INTEGER NOT NULL,"
                    + " metric_queries TEXT NOT NULL, revision INTEGER NOT NULL)");
            statement.execute("INSERT INTO configuration VALUES ('old', '1.0', '{}',"
                    + " '{\"properties.desired.x\":1}', '*', 3, 0, 0, '{}', 4)");
        }
        try (SqliteConfigurationStore store = SqliteConfigurationStore.open(file)) {
            Configuration old = store.find("old").orElseThrow();
            assertThat(old.forModules()).isFalse();
            assertThat(old.priority()).isEqualTo(3);
            assertThat(old.revision()).isEqualTo(4);
        }
    }
}
