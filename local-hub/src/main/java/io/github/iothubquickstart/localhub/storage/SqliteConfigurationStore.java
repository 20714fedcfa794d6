package io.github.iothubquickstart.localhub.storage;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.github.iothubquickstart.localhub.configurations.Configuration;
import io.github.iothubquickstart.localhub.configurations.ConfigurationStore;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configurations (automatic device management) in {@code configurations.db}: one row per configuration, its labels,
 * content and metric queries as JSON; and which configuration each device's (or module's, keyed {@code device/module}) twin last got. Every change is committed
 * before the call returns.
 */
public final class SqliteConfigurationStore implements ConfigurationStore, AutoCloseable {
    private static final Gson GSON = new Gson();
    private static final Type STRING_MAP = new TypeToken<Map<String, String>>() { }.getType();
    private static final String COLUMNS = "id, schema_version, labels, device_content, target_condition, priority,"
            + " created_millis, updated_millis, metric_queries, revision, for_modules";

    private final LockedConnection database;

    private SqliteConfigurationStore(LockedConnection database) {
        this.database = database;
    }

    public static SqliteConfigurationStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("CREATE TABLE IF NOT EXISTS configuration (id TEXT PRIMARY KEY,"
                        + " schema_version TEXT NOT NULL, labels TEXT NOT NULL, device_content TEXT NOT NULL,"
                        + " target_condition TEXT, priority INTEGER NOT NULL, created_millis INTEGER NOT NULL,"
                        + " updated_millis INTEGER NOT NULL, metric_queries TEXT NOT NULL, revision INTEGER NOT NULL,"
                        + " for_modules INTEGER NOT NULL DEFAULT 0)");
                addModuleColumn(connection);
                statement.execute("CREATE TABLE IF NOT EXISTS applied_configuration (device_id TEXT PRIMARY KEY,"
                        + " configuration_id TEXT NOT NULL)");
            }
            return new SqliteConfigurationStore(new LockedConnection("configurations database", file, connection));
        } catch (IOException | SQLException e) {
            throw new StorageException("configurations database " + file + " cannot be opened (" + e.getMessage()
                    + ")", e);
        }
    }

    /** A file from before module configurations: its configurations are device configurations. */
    private static void addModuleColumn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet columns = statement.executeQuery("SELECT 1 FROM pragma_table_info('configuration')"
                     + " WHERE name = 'for_modules'")) {
            if (!columns.next()) {
                try (Statement alter = connection.createStatement()) {
                    alter.execute("ALTER TABLE configuration ADD COLUMN for_modules INTEGER NOT NULL DEFAULT 0");
                }
            }
        }
    }

    @Override
    public List<Configuration> list() {
        return database.withLock("read the configurations", () -> {
            try (Statement statement = database.connection().createStatement();
                 ResultSet rows = statement.executeQuery("SELECT " + COLUMNS + " FROM configuration"
                         + " ORDER BY created_millis, id")) {
                List<Configuration> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(read(rows));
                }
                return result;
            }
        });
    }

    @Override
    public Optional<Configuration> find(String id) {
        return database.withLock("read configuration " + id, () -> {
            try (PreparedStatement select = database.connection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM configuration WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(read(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void put(Configuration configuration) {
        database.inTransaction("store configuration " + configuration.id(), () -> {
            try (PreparedStatement upsert = database.connection().prepareStatement("INSERT INTO configuration ("
                    + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    + " schema_version = excluded.schema_version, labels = excluded.labels,"
                    + " device_content = excluded.device_content, target_condition = excluded.target_condition,"
                    + " priority = excluded.priority, created_millis = excluded.created_millis,"
                    + " updated_millis = excluded.updated_millis, metric_queries = excluded.metric_queries,"
                    + " revision = excluded.revision, for_modules = excluded.for_modules")) {
                upsert.setString(1, configuration.id());
                upsert.setString(2, configuration.schemaVersion());
                upsert.setString(3, GSON.toJson(configuration.labels(), STRING_MAP));
                upsert.setString(4, content(configuration.deviceContent()).toString());
                upsert.setString(5, configuration.targetCondition());
                upsert.setInt(6, configuration.priority());
                upsert.setLong(7, configuration.created().toEpochMilli());
                upsert.setLong(8, configuration.lastUpdated().toEpochMilli());
                upsert.setString(9, GSON.toJson(configuration.metricQueries(), STRING_MAP));
                upsert.setLong(10, configuration.revision());
                upsert.setInt(11, configuration.forModules() ? 1 : 0);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean delete(String id) {
        return database.inTransaction("delete configuration " + id, () -> {
            try (PreparedStatement forget = database.connection().prepareStatement(
                    "DELETE FROM applied_configuration WHERE configuration_id = ?");
                 PreparedStatement delete = database.connection().prepareStatement(
                         "DELETE FROM configuration WHERE id = ?")) {
                forget.setString(1, id);
                forget.executeUpdate();
                delete.setString(1, id);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Map<String, String> applied() {
        return database.withLock("read the applied configurations", () -> {
            try (Statement statement = database.connection().createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT device_id, configuration_id FROM applied_configuration")) {
                Map<String, String> result = new HashMap<>();
                while (rows.next()) {
                    result.put(rows.getString(1), rows.getString(2));
                }
                return result;
            }
        });
    }

    /**
     * Committed without waiting for the disk (WAL, {@code synchronous=NORMAL}): it survives the hub's crash, and
     * what a power cut loses is only a record the hub can rebuild, by writing the same desired properties again.
     * The fleet's twins are written once each already; a second wait per twin would double the time to apply.
     */
    @Override
    public void setApplied(String deviceId, String configurationId) {
        database.withLock("record the configuration applied to " + deviceId, () -> {
            try (Statement pragma = database.connection().createStatement()) {
                pragma.execute("PRAGMA synchronous=NORMAL");
                try {
                    writeApplied(deviceId, configurationId);
                } finally {
                    pragma.execute("PRAGMA synchronous=FULL");
                }
            }
            return null;
        });
    }

    private void writeApplied(String deviceId, String configurationId) {
        database.inTransaction("record the configuration applied to " + deviceId, () -> {
            String sql = configurationId == null
                    ? "DELETE FROM applied_configuration WHERE device_id = ?"
                    : "INSERT INTO applied_configuration (device_id, configuration_id) VALUES (?, ?)"
                            + " ON CONFLICT(device_id) DO UPDATE SET configuration_id = excluded.configuration_id";
            try (PreparedStatement statement = database.connection().prepareStatement(sql)) {
                statement.setString(1, deviceId);
                if (configurationId != null) {
                    statement.setString(2, configurationId);
                }
                statement.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void close() {
        database.close();
    }

    private static Configuration read(ResultSet row) throws SQLException {
        return new Configuration(row.getString(1), row.getString(2), GSON.fromJson(row.getString(3), STRING_MAP),
                content(JsonParser.parseString(row.getString(4)).getAsJsonObject()), row.getString(5), row.getInt(6),
                Instant.ofEpochMilli(row.getLong(7)), Instant.ofEpochMilli(row.getLong(8)),
                GSON.fromJson(row.getString(9), STRING_MAP), row.getLong(10), row.getInt(11) != 0);
    }

    private static JsonObject content(Map<String, JsonElement> content) {
        JsonObject json = new JsonObject();
        content.forEach(json::add);
        return json;
    }

    private static Map<String, JsonElement> content(JsonObject json) {
        Map<String, JsonElement> content = new LinkedHashMap<>();
        json.entrySet().forEach(entry -> content.put(entry.getKey(), entry.getValue()));
        return content;
    }
}
