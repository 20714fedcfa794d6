package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.twin.PropertyMetadata;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry from before twin property metadata was kept (schema version 2) opens with metadata for every property
 * it holds, and the metadata of later changes is stored and read back.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TwinMetadataMigrationTest {
    private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final Instant DESIRED_UPDATED = Instant.ofEpochMilli(1_700_000_100_000L);
    private static final Instant REPORTED_UPDATED = Instant.ofEpochMilli(1_700_000_200_000L);

    @TempDir
    Path directory;

    @Test
    void propertiesStoredWithoutMetadataGetTheirSectionsLastChange() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionTwoDatabase(file);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            TwinDocument twin = twins.load("old-device");

            assertThat(twin.desired()).isEqualTo(JsonParser.parseString("{\"a\":1,\"b\":{\"c\":2}}"));
            assertThat(twin.desiredMetadata().properties()).isEqualTo(Map.of(
                    "a", new PropertyMetadata(DESIRED_UPDATED, 4, Map.of()),
                    "b", new PropertyMetadata(DESIRED_UPDATED, 4, Map.of(
                            "c", new PropertyMetadata(DESIRED_UPDATED, 4, Map.of())))));
            assertThat(twin.reportedMetadata().properties()).isEqualTo(Map.of(
                    "r", new PropertyMetadata(REPORTED_UPDATED, 2, Map.of())));
        }
        assertThat(OlderRegistryFiles.userVersion(file)).isEqualTo(RegistrySchema.VERSION);
    }

    @Test
    void metadataOfAChangeIsStoredAndReadBack() throws Exception {
        Path file = directory.resolve("registry.db");
        writeVersionTwoDatabase(file);
        Instant now = Instant.parse("2026-03-01T08:00:00.123Z");
        TwinDocument changed;
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            changed = twins.update("old-device", current -> new TwinDocument(current.deviceId(), current.version() + 1,
                    current.tags(), current.desired(), current.desiredVersion(), current.desiredUpdated(),
                    new SectionMetadata(Map.of(
                            "a", new PropertyMetadata(now, 5, Map.of()),
                            "b", new PropertyMetadata(now, 5, Map.of("c", new PropertyMetadata(DESIRED_UPDATED, 4, Map.of()))))),
                    current.reported(), current.reportedVersion(), current.reportedUpdated(), current.reportedMetadata()));
        }

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            assertThat(twins.load("old-device")).isEqualTo(changed);
        }
    }

    /** What the version 2 hub created: devices with a status reason, policies, twins, and user_version 2. */
    private static void writeVersionTwoDatabase(Path file) throws Exception {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            OlderRegistryFiles.createVersionTwoSchema(statement);
            statement.execute("INSERT INTO device VALUES ('old-device', '" + KEY + "', '" + KEY
                    + "', 1, 1700000000000, NULL)");
            statement.execute("INSERT INTO shared_access_policy VALUES ('service', '" + KEY + "', '" + KEY
                    + "', 'SERVICE_CONNECT')");
            statement.execute("INSERT INTO twin VALUES ('old-device', 6, '{}', '{\"a\":1,\"b\":{\"c\":2}}', 4, "
                    + DESIRED_UPDATED.toEpochMilli() + ", '{\"r\":true}', 2, " + REPORTED_UPDATED.toEpochMilli() + ")");
        }
    }
}
