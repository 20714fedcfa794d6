package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry database's schema: devices, shared access policies, twins and trusted CA certificates, with its
 * version in the file header ({@code PRAGMA user_version}; 0 means never initialised). Creates it once, brings older
 * files up to date one step per transaction, and refuses files it does not understand with a message saying what to
 * do.
 */
final class RegistrySchema {
    /**
     * Version 1: devices and policies. Version 2: the device status reason and the twin table. Version 3: the
     * device's place in an IoT Edge hierarchy. Version 4: when each twin property was last written (IoT Hub's
     * {@code $metadata}). Version 5: module identities and their twins. Version 6: X.509 identities (the authentication
     * type and thumbprints of devices and modules; keys only for SAS ones). Version 7: the CA certificates the hub
     * trusts to sign devices' certificates. Version 8: twins' IoT Plug and Play model ids. Version 9: a generation
     * counter the device and policy tables move (by trigger), so that a hub's cache reloads them only when they changed
     * elsewhere, not after every twin write of another connection.
     */
    static final int VERSION = 9;
    private static final Logger LOG = LoggerFactory.getLogger(RegistrySchema.class);

    /** Initial content, written in the same transaction as the schema so that it is written once in a file's life. */
    @FunctionalInterface
    interface Seed {
        void write(Connection connection) throws SQLException;
    }

    private final Path file;
    private final Connection connection;

    RegistrySchema(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Checks the file, sets WAL and full sync, then creates (when {@code createIfAbsent}) or migrates the schema.
     *
     * @throws StorageException if the file is damaged, foreign, newer than this hub, or uninitialised and
     *                          {@code createIfAbsent} is false
     */
    void prepare(boolean createIfAbsent, Seed seed) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            String check = queryString(statement, "PRAGMA quick_check");
            if (!"ok".equalsIgnoreCase(check)) {
                throw new StorageException(RegistryFiles.unreadable(file, "integrity check: " + check));
            }
            String journalMode = queryString(statement, "PRAGMA journal_mode=WAL");
            if (!"wal".equalsIgnoreCase(journalMode)) {
                LOG.warn("registry database {} runs in journal mode {} instead of WAL", file, journalMode);
            }
            statement.execute("PRAGMA synchronous=FULL");
        }
        int version = version();
        if (version == 0) {
            if (!createIfAbsent) {
                throw new StorageException("registry database " + file
                        + " has never been initialised: start the local hub first so that it sets it up");
            }
            createOnce(seed);
        } else if (version > VERSION) {
            throw new StorageException("registry database " + file + " has schema version " + version
                    + ", made by a newer local hub (this one understands version " + VERSION + "): run that newer"
                    + " version, or delete the data directory to start afresh (all device keys change)");
        }
        migrate();
    }

    private void createOnce(Seed seed) throws SQLException {
        inImmediateTransaction(statement -> {
            // Another process may have initialised the file while we waited for the write lock.
            if (version() != 0) {
                return;
            }
            requireNoForeignTables(statement);
            statement.execute("CREATE TABLE device (device_id TEXT PRIMARY KEY NOT NULL,"
                    + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL,"
                    + " enabled INTEGER NOT NULL, created_at_millis INTEGER NOT NULL)");
            statement.execute("CREATE TABLE shared_access_policy (name TEXT PRIMARY KEY NOT NULL,"
                    + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, rights TEXT NOT NULL)");
            // The version 1 schema, then the same migrations an existing database goes through.
            statement.execute("PRAGMA user_version = 1");
            toVersion2(statement);
            toVersion3(statement);
            toVersion4(statement);
            toVersion5(statement);
            toVersion6(statement);
            toVersion7(statement);
            toVersion8(statement);
            toVersion9(statement);
            seed.write(connection);
            LOG.info("created registry database {}", file);
        });
    }

    private void migrate() throws SQLException {
        inImmediateTransaction(statement -> {
            // Re-read under the write lock: another process may have migrated while we waited.
            if (version() == 1) {
                toVersion2(statement);
                LOG.info("migrated registry database {} from schema version 1 to 2 (device twins)", file);
            }
            if (version() == 2) {
                toVersion3(statement);
                LOG.info("migrated registry database {} from schema version 2 to 3 (IoT Edge devices)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 3) {
                toVersion4(statement);
                LOG.info("migrated registry database {} from schema version 3 to 4 (twin property metadata)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 4) {
                toVersion5(statement);
                LOG.info("migrated registry database {} from schema version 4 to 5 (modules)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 5) {
                toVersion6(statement);
                LOG.info("migrated registry database {} from schema version 5 to 6 (X.509 identities)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 6) {
                toVersion7(statement);
                LOG.info("migrated registry database {} from schema version 6 to 7 (trusted CA certificates)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 7) {
                toVersion8(statement);
                LOG.info("migrated registry database {} from schema version 7 to 8 (IoT Plug and Play model ids)", file);
            }
        });
        inImmediateTransaction(statement -> {
            if (version() == 8) {
                toVersion9(statement);
                LOG.info("migrated registry database {} from schema version 8 to 9 (registry generation)", file);
            }
        });
    }

    private static void toVersion2(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE device ADD COLUMN status_reason TEXT");
        statement.execute("CREATE TABLE twin (device_id TEXT PRIMARY KEY NOT NULL,"
                + " version INTEGER NOT NULL, tags TEXT NOT NULL,"
                + " desired TEXT NOT NULL, desired_version INTEGER NOT NULL, desired_updated_millis INTEGER NOT NULL,"
                + " reported TEXT NOT NULL, reported_version INTEGER NOT NULL, reported_updated_millis INTEGER NOT NULL)");
        statement.execute("PRAGMA user_version = 2");
    }

    /** IoT Edge identities: the capability, the device's scope and its one parent scope (IoT Hub allows one). */
    private static void toVersion3(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE device ADD COLUMN iot_edge INTEGER NOT NULL DEFAULT 0");
        statement.execute("ALTER TABLE device ADD COLUMN device_scope TEXT");
        statement.execute("ALTER TABLE device ADD COLUMN parent_scope TEXT");
        statement.execute("PRAGMA user_version = 3");
    }

    /**
     * The metadata of each twin property; properties stored before it was kept get their section's last change
     * (time and version), the nearest the file knows.
     */
    private static void toVersion4(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE twin ADD COLUMN desired_metadata TEXT NOT NULL DEFAULT '{}'");
        statement.execute("ALTER TABLE twin ADD COLUMN reported_metadata TEXT NOT NULL DEFAULT '{}'");
        Map<String, String[]> metadata = new LinkedHashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT device_id, desired, desired_version,"
                + " desired_updated_millis, reported, reported_version, reported_updated_millis FROM twin")) {
            while (rows.next()) {
                metadata.put(rows.getString(1), new String[] {
                        sectionWrittenAt(rows.getString(2), rows.getLong(3), rows.getLong(4)),
                        sectionWrittenAt(rows.getString(5), rows.getLong(6), rows.getLong(7))});
            }
        }
        try (PreparedStatement update = statement.getConnection().prepareStatement(
                "UPDATE twin SET desired_metadata = ?, reported_metadata = ? WHERE device_id = ?")) {
            for (Map.Entry<String, String[]> twin : metadata.entrySet()) {
                update.setString(1, twin.getValue()[0]);
                update.setString(2, twin.getValue()[1]);
                update.setString(3, twin.getKey());
                update.executeUpdate();
            }
        }
        statement.execute("PRAGMA user_version = 4");
    }

    /** Modules of devices, and module twins with the same columns as device twins. */
    private static void toVersion5(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE module (device_id TEXT NOT NULL, module_id TEXT NOT NULL,"
                + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, managed_by TEXT,"
                + " created_at_millis INTEGER NOT NULL, PRIMARY KEY (device_id, module_id))");
        statement.execute("CREATE TABLE module_twin (device_id TEXT NOT NULL, module_id TEXT NOT NULL,"
                + " version INTEGER NOT NULL, tags TEXT NOT NULL,"
                + " desired TEXT NOT NULL, desired_version INTEGER NOT NULL, desired_updated_millis INTEGER NOT NULL,"
                + " reported TEXT NOT NULL, reported_version INTEGER NOT NULL, reported_updated_millis INTEGER NOT NULL,"
                + " desired_metadata TEXT NOT NULL, reported_metadata TEXT NOT NULL,"
                + " PRIMARY KEY (device_id, module_id))");
        statement.execute("PRAGMA user_version = 5");
    }

    /**
     * Devices and modules get an authentication type (every existing one is {@code sas}) and thumbprints, and their
     * key columns may be null (an X.509 identity has no keys). SQLite cannot drop a NOT NULL, so both tables are
     * rebuilt with their rows copied as they are.
     */
    private static void toVersion6(Statement statement) throws SQLException {
        String x509Columns = ", authentication_type TEXT NOT NULL DEFAULT 'sas', primary_thumbprint TEXT,"
                + " secondary_thumbprint TEXT";
        statement.execute("CREATE TABLE device_v6 (device_id TEXT PRIMARY KEY NOT NULL,"
                + " primary_key TEXT, secondary_key TEXT,"
                + " enabled INTEGER NOT NULL, created_at_millis INTEGER NOT NULL, status_reason TEXT,"
                + " iot_edge INTEGER NOT NULL DEFAULT 0, device_scope TEXT, parent_scope TEXT" + x509Columns + ")");
        copyAndReplace(statement, "device", "device_id, primary_key, secondary_key, enabled, created_at_millis,"
                + " status_reason, iot_edge, device_scope, parent_scope");
        statement.execute("CREATE TABLE module_v6 (device_id TEXT NOT NULL, module_id TEXT NOT NULL,"
                + " primary_key TEXT, secondary_key TEXT, managed_by TEXT,"
                + " created_at_millis INTEGER NOT NULL" + x509Columns + ", PRIMARY KEY (device_id, module_id))");
        copyAndReplace(statement, "module",
                "device_id, module_id, primary_key, secondary_key, managed_by, created_at_millis");
        statement.execute("PRAGMA user_version = 6");
    }

    /** The trusted CA certificates: a name, the certificate as PEM, and when it was added. */
    private static void toVersion7(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE ca_certificate (name TEXT PRIMARY KEY NOT NULL, certificate_pem TEXT NOT NULL,"
                + " sha1_thumbprint TEXT NOT NULL UNIQUE, added_at_millis INTEGER NOT NULL)");
        statement.execute("PRAGMA user_version = 7");
    }

    /** Device and module twins get the model id their device announced; every existing twin has none (null). */
    private static void toVersion8(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE twin ADD COLUMN model_id TEXT");
        statement.execute("ALTER TABLE module_twin ADD COLUMN model_id TEXT");
        statement.execute("PRAGMA user_version = 8");
    }

    /**
     * One row counting every change to the cached tables ({@code device}, {@code shared_access_policy}), moved by
     * triggers in the writer's own transaction, whichever connection or process writes.
     */
    private static void toVersion9(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS registry_generation (id INTEGER PRIMARY KEY CHECK (id = 1),"
                + " generation INTEGER NOT NULL)");
        statement.execute("INSERT OR IGNORE INTO registry_generation (id, generation) VALUES (1, 0)");
        for (String table : new String[] {"device", "shared_access_policy"}) {
            for (String change : new String[] {"INSERT", "UPDATE", "DELETE"}) {
                statement.execute("CREATE TRIGGER IF NOT EXISTS " + table + "_" + change.toLowerCase(java.util.Locale.ROOT)
                        + "_moves_generation AFTER " + change + " ON " + table
                        + " BEGIN UPDATE registry_generation SET generation = generation + 1 WHERE id = 1; END");
            }
        }
        statement.execute("PRAGMA user_version = 9");
    }

    private static void copyAndReplace(Statement statement, String table, String columns) throws SQLException {
        statement.execute("INSERT INTO " + table + "_v6 (" + columns + ") SELECT " + columns + " FROM " + table);
        statement.execute("DROP TABLE " + table);
        statement.execute("ALTER TABLE " + table + "_v6 RENAME TO " + table);
    }

    private static String sectionWrittenAt(String section, long version, long updatedMillis) {
        return StoredTwinMetadata.toJson(SectionMetadata.allWritten(JsonParser.parseString(section).getAsJsonObject(),
                Instant.ofEpochMilli(updatedMillis), version));
    }

    private void requireNoForeignTables(Statement statement) throws SQLException {
        try (ResultSet tables = statement.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")) {
            if (tables.next()) {
                throw new StorageException("registry database " + file
                        + " holds tables but no local hub schema version: it is not a local hub registry;"
                        + " move it away or delete the data directory to start afresh");
            }
        }
    }

    private int version() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    private void inImmediateTransaction(StatementWork work) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                work.run(statement);
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    @FunctionalInterface
    private interface StatementWork {
        void run(Statement statement) throws SQLException;
    }
}
