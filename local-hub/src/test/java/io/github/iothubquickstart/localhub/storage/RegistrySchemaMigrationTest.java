package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.storage.SqliteTwinStore;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A registry written by the first release (schema version 1) opens in this one with nothing lost. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistrySchemaMigrationTest {
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    @TempDir
    Path directory;

    @Test
    void versionOneDatabaseIsMigratedKeepingDevicesAndPolicies() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionOneDatabase(file);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            DeviceIdentity device = registry.findDevice("old-device").orElseThrow();
            assertThat(device.keys()).containsExactly(KEY_A, KEY_B);
            assertThat(device.enabled()).isFalse();
            assertThat(device.createdAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
            assertThat(device.statusReason()).isNull();
            assertThat(registry.findPolicy("service").orElseThrow().rights()).containsExactly(AccessRight.SERVICE_CONNECT);

            TwinDocument twin = twins.update("old-device", current -> current);
            assertThat(twin.desired().entrySet()).isEmpty();
            TwinDocument changed = twins.update("old-device", current -> new TwinDocument(current.deviceId(),
                    current.version() + 1, current.tags(),
                    JsonParser.parseString("{\"telemetryInterval\":5}").getAsJsonObject(), current.desiredVersion() + 1,
                    current.desiredUpdated(), current.desiredMetadata(), current.reported(), current.reportedVersion(),
                    current.reportedUpdated(), current.reportedMetadata()));
            assertThat(twins.load("old-device")).isEqualTo(changed);
            registry.updateDevice("old-device", KEY_A, KEY_B, true, "back in service");
        }
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);

        // Opening again is a no-op migration: data stays as the migrated hub left it.
        try (SqliteDeviceRegistry again = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            assertThat(again.findDevice("old-device").orElseThrow().statusReason()).isEqualTo("back in service");
            assertThat(twins.load("old-device").desired().get("telemetryInterval").getAsInt()).isEqualTo(5);
        }
    }

    @Test
    void versionTwoDatabaseGainsEdgeIdentitiesKeepingDevicesAndTwins() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionTwoDatabase(file);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            DeviceIdentity device = registry.findDevice("old-device").orElseThrow();
            assertThat(device.keys()).containsExactly(KEY_A, KEY_B);
            assertThat(device.statusReason()).isEqualTo("in the shed");
            assertThat(device.edge()).isEqualTo(EdgeHierarchy.NONE);
            assertThat(twins.load("old-device").desired().get("interval").getAsInt()).isEqualTo(7);
            EdgeHierarchy edge = new EdgeHierarchy(true, EdgeHierarchy.scopeOf(device), null);
            assertThat(registry.setEdgeHierarchy("old-device", edge).edge()).isEqualTo(edge);
        }
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
    }

    @Test
    void versionFourDatabaseGainsModulesKeepingDevicesAndTwins() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionFourDatabase(file);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            assertThat(registry.findDevice("old-device").orElseThrow().keys()).containsExactly(KEY_A, KEY_B);
            assertThat(twins.load("old-device").desired().get("interval").getAsInt()).isEqualTo(7);
            assertThat(registry.listModules("old-device")).isEmpty();
            registry.createModule("old-device", "sensor", KEY_B, KEY_A, null);
            assertThat(registry.findModule("old-device", "sensor").orElseThrow().keys()).containsExactly(KEY_B, KEY_A);
        }
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
    }

    @Test
    void versionFiveDatabaseGainsX509IdentitiesKeepingSasDevicesModulesAndTheirEtags() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionFiveDatabase(file);
        DeviceIdentity asVersionFiveHadIt = new DeviceIdentity("old-device", KEY_A, KEY_B, true,
                Instant.ofEpochMilli(1_700_000_000_000L), "in the shed", new EdgeHierarchy(true, "scope-1", null));

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            DeviceIdentity device = registry.findDevice("old-device").orElseThrow();
            assertThat(device).isEqualTo(asVersionFiveHadIt);
            assertThat(device.authentication().type()).isEqualTo(AuthenticationType.SAS);
            assertThat(device.etag()).isEqualTo(asVersionFiveHadIt.etag());
            ModuleIdentity module = registry.findModule("old-device", "sensor").orElseThrow();
            assertThat(module).isEqualTo(new ModuleIdentity("old-device", "sensor", KEY_B, KEY_A, "iotEdge",
                    Instant.ofEpochMilli(1_700_000_000_001L)));
            assertThat(twins.load("old-device").desired().get("interval").getAsInt()).isEqualTo(7);

            registry.createDevice("camera", Authentication.selfSigned(SqliteX509IdentitiesTest.SHA1_A, null));
            registry.createModule("old-device", "lens", Authentication.certificateAuthority(), null);
        }
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
        try (SqliteDeviceRegistry again = SqliteDeviceRegistry.open(file, Clock.systemUTC())) {
            assertThat(again.findDevice("camera").orElseThrow().authentication())
                    .isEqualTo(Authentication.selfSigned(SqliteX509IdentitiesTest.SHA1_A, null));
            assertThat(again.findModule("old-device", "lens").orElseThrow().keys()).isEmpty();
            assertThat(again.findDevice("old-device").orElseThrow()).isEqualTo(asVersionFiveHadIt);
        }
    }

    /**
     * Exactly what the version 5 hub created: the version 2 tables with the version 3, 4 and 5 changes as those hubs
     * made them (keys NOT NULL), an Edge device with a twin and a module.
     */
    private static void writeVersionFiveDatabase(Path file) throws Exception {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            OlderRegistryFiles.createVersionTwoSchema(statement);
            statement.execute("ALTER TABLE device ADD COLUMN iot_edge INTEGER NOT NULL DEFAULT 0");
            statement.execute("ALTER TABLE device ADD COLUMN device_scope TEXT");
            statement.execute("ALTER TABLE device ADD COLUMN parent_scope TEXT");
            statement.execute("ALTER TABLE twin ADD COLUMN desired_metadata TEXT NOT NULL DEFAULT '{}'");
            statement.execute("ALTER TABLE twin ADD COLUMN reported_metadata TEXT NOT NULL DEFAULT '{}'");
            statement.execute("CREATE TABLE module (device_id TEXT NOT NULL, module_id TEXT NOT NULL,"
                    + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, managed_by TEXT,"
                    + " created_at_millis INTEGER NOT NULL, PRIMARY KEY (device_id, module_id))");
            statement.execute("CREATE TABLE module_twin (device_id TEXT NOT NULL, module_id TEXT NOT NULL,"
                    + " version INTEGER NOT NULL, tags TEXT NOT NULL,"
                    + " desired TEXT NOT NULL, desired_version INTEGER NOT NULL,"
                    + " desired_updated_millis INTEGER NOT NULL,"
                    + " reported TEXT NOT NULL, reported_version INTEGER NOT NULL,"
                    + " reported_updated_millis INTEGER NOT NULL,"
                    + " desired_metadata TEXT NOT NULL, reported_metadata TEXT NOT NULL,"
                    + " PRIMARY KEY (device_id, module_id))");
            statement.execute("INSERT INTO device VALUES ('old-device', '" + KEY_A + "', '" + KEY_B
                    + "', 1, 1700000000000, 'in the shed', 1, 'scope-1', NULL)");
            statement.execute("INSERT INTO shared_access_policy VALUES ('service', '" + KEY_A + "', '" + KEY_B
                    + "', 'SERVICE_CONNECT')");
            statement.execute("INSERT INTO twin VALUES ('old-device', 2, '{}', '{\"interval\":7}', 2, 1700000000000,"
                    + " '{}', 1, 1700000000000, '{}', '{}')");
            statement.execute("INSERT INTO module VALUES ('old-device', 'sensor', '" + KEY_B + "', '" + KEY_A
                    + "', 'iotEdge', 1700000000001)");
            statement.execute("PRAGMA user_version = 5");
        }
    }

    /**
     * Exactly what the version 4 hub created: the version 2 file migrated by this hub to version 4 (the migrations up
     * to 4 are unchanged), i.e. this hub's schema without the two module tables, the CA certificates (version 7) and
     * the twins' model ids (version 8).
     */
    private static void writeVersionFourDatabase(Path file) throws Exception {
        writeVersionTwoDatabase(file);
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC())) {
            assertThat(registry.findDevice("old-device")).isPresent();
        }
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("DROP TABLE module");
            statement.execute("DROP TABLE module_twin");
            statement.execute("DROP TABLE ca_certificate");
            statement.execute("ALTER TABLE twin DROP COLUMN model_id");
            statement.execute("PRAGMA user_version = 4");
        }
    }

    /** Exactly what the version 1 hub created: two tables and user_version 1. */
    private static void writeVersionOneDatabase(Path file) throws Exception {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE device (device_id TEXT PRIMARY KEY NOT NULL,"
                    + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL,"
                    + " enabled INTEGER NOT NULL, created_at_millis INTEGER NOT NULL)");
            statement.execute("CREATE TABLE shared_access_policy (name TEXT PRIMARY KEY NOT NULL,"
                    + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, rights TEXT NOT NULL)");
            statement.execute("INSERT INTO device VALUES ('old-device', '" + KEY_A + "', '" + KEY_B
                    + "', 0, 1700000000000)");
            statement.execute("INSERT INTO shared_access_policy VALUES ('service', '" + KEY_A + "', '" + KEY_B
                    + "', 'SERVICE_CONNECT')");
            statement.execute("PRAGMA user_version = 1");
        }
    }

    /** Exactly what the version 2 hub created: devices with a status reason, policies, twins, user_version 2. */
    private static void writeVersionTwoDatabase(Path file) throws Exception {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            OlderRegistryFiles.createVersionTwoSchema(statement);
            statement.execute("INSERT INTO device VALUES ('old-device', '" + KEY_A + "', '" + KEY_B
                    + "', 1, 1700000000000, 'in the shed')");
            statement.execute("INSERT INTO shared_access_policy VALUES ('service', '" + KEY_A + "', '" + KEY_B
                    + "', 'SERVICE_CONNECT')");
            statement.execute("INSERT INTO twin VALUES ('old-device', 2, '{}', '{\"interval\":7}', 2, 1700000000000,"
                    + " '{}', 1, 1700000000000)");
        }
    }
}
