package io.github.iothubquickstart.localhub.registry;

import java.util.HashMap;
import io.github.iothubquickstart.localhub.files.SqliteFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in one SQLite file (WAL, synchronous=FULL).
 *
 * <p>One connection, used under a lock, does all database work; reads are served from an in-memory
 * copy that every write updates, because the hub looks a device up on every CONNECT. Changes made by
 * another process become visible after {@link #reload()}.
 */
public final class SqliteDeviceRegistry implements DeviceRegistry, AutoCloseable {

    /**
     * Stored in the database header (PRAGMA user_version); 0 means "never initialised". Version 1: devices and
     * policies. Version 2 adds the device status reason and the twin table ({@link #migrateToVersion2}).
     */
    static final int SCHEMA_VERSION = 2;
    static final String SEEDED_DEVICE_ID = "MyJavaDevice";
    private static final String DEVICE_COLUMNS =
            "device_id, primary_key, secondary_key, enabled, created_at_millis, status_reason";
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDeviceRegistry.class);

    private final Path databaseFile;
    private final Connection connection;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final NavigableMap<String, DeviceIdentity> devices = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, SharedAccessPolicy> policies = new ConcurrentSkipListMap<>();
    /** SQLite's counter of commits made by other connections, e.g. the CLI while the hub runs. */
    private long seenDataVersion = -1;
    /** Guarded by {@link #lock}. */
    private PreparedStatement dataVersionQuery;

    private SqliteDeviceRegistry(Path databaseFile, Connection connection, Clock clock) {
        this.databaseFile = databaseFile;
        this.connection = connection;
        this.clock = clock;
    }

    /** Opens the registry, creating and seeding it if the file does not exist yet. */
    public static SqliteDeviceRegistry open(Path databaseFile) {
        return open(databaseFile, Clock.systemUTC());
    }

    /** As {@link #open(Path)}; {@code clock} stamps {@link DeviceIdentity#createdAt()}. */
    public static SqliteDeviceRegistry open(Path databaseFile, Clock clock) {
        return open(databaseFile, clock, true);
    }

    /** Opens a registry the local hub has already created; never creates or seeds anything. */
    public static SqliteDeviceRegistry openExisting(Path databaseFile) {
        if (!Files.isRegularFile(databaseFile)) {
            throw new RegistryStorageException("no registry database at " + databaseFile
                    + ": start the local hub first so that it creates one");
        }
        return open(databaseFile, Clock.systemUTC(), false);
    }

    private static SqliteDeviceRegistry open(Path databaseFile, Clock clock, boolean createIfAbsent) {
        Path file = databaseFile.toAbsolutePath();
        Connection connection = connect(file, createIfAbsent);
        SqliteDeviceRegistry registry = new SqliteDeviceRegistry(file, connection, clock);
        try {
            registry.initialise(createIfAbsent);
            registry.reload();
            return registry;
        } catch (SQLException e) {
            registry.close();
            throw openFailure(file, e);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    private static Connection connect(Path file, boolean createIfAbsent) {
        try {
            return createIfAbsent ? SqliteFiles.openOwnerOnly(file) : SqliteFiles.open(file);
        } catch (IOException e) {
            throw new RegistryStorageException("cannot create registry database " + file + " (" + e + ")", e);
        } catch (SQLException e) {
            throw openFailure(file, e);
        }
    }

    private void initialise(boolean createIfAbsent) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            requireIntact(statement);
            String journalMode = queryString(statement, "PRAGMA journal_mode=WAL");
            if (!"wal".equalsIgnoreCase(journalMode)) {
                LOG.warn("registry database {} runs in journal mode {} instead of WAL", databaseFile, journalMode);
            }
            statement.execute("PRAGMA synchronous=FULL");
        }
        int version = schemaVersion();
        if (version == 0) {
            if (!createIfAbsent) {
                throw new RegistryStorageException("registry database " + databaseFile
                        + " has never been initialised: start the local hub first so that it sets it up");
            }
            createSchemaOnce();
        } else if (version > SCHEMA_VERSION) {
            throw new RegistryStorageException("registry database " + databaseFile + " has schema version "
                    + version + ", made by a newer local hub (this one understands version " + SCHEMA_VERSION
                    + "): run that newer version, or delete the data directory to start afresh (all device keys change)");
        }
        migrate();
    }

    /** Brings a database of an older local hub up to {@link #SCHEMA_VERSION}, one step per transaction. */
    private void migrate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                // Re-read under the write lock: another process may have migrated while we waited.
                int version = schemaVersion();
                if (version == 1) {
                    migrateToVersion2(statement);
                    LOG.info("migrated registry database {} from schema version 1 to 2 (device twins)", databaseFile);
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    /** Version 2: the status reason of a device, and one twin per device (tags, desired, reported, versions). */
    private static void migrateToVersion2(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE device ADD COLUMN status_reason TEXT");
        statement.execute("CREATE TABLE twin (device_id TEXT PRIMARY KEY NOT NULL,"
                + " version INTEGER NOT NULL, tags TEXT NOT NULL,"
                + " desired TEXT NOT NULL, desired_version INTEGER NOT NULL, desired_updated_millis INTEGER NOT NULL,"
                + " reported TEXT NOT NULL, reported_version INTEGER NOT NULL, reported_updated_millis INTEGER NOT NULL)");
        statement.execute("PRAGMA user_version = 2");
    }

    private void requireIntact(Statement statement) throws SQLException {
        String result = queryString(statement, "PRAGMA quick_check");
        if (!"ok".equalsIgnoreCase(result)) {
            throw new RegistryStorageException(unreadableMessage(databaseFile, "integrity check: " + result));
        }
    }

    /** Schema and seed data in one transaction, so seeding happens exactly once in the file's life. */
    private void createSchemaOnce() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                // Another process may have initialised the file while we waited for the write lock.
                if (schemaVersion() == 0) {
                    requireNoForeignTables(statement);
                    statement.execute("CREATE TABLE device (device_id TEXT PRIMARY KEY NOT NULL,"
                            + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL,"
                            + " enabled INTEGER NOT NULL, created_at_millis INTEGER NOT NULL)");
                    statement.execute("CREATE TABLE shared_access_policy (name TEXT PRIMARY KEY NOT NULL,"
                            + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, rights TEXT NOT NULL)");
                    // The version 1 schema, then the same migrations an existing database goes through.
                    statement.execute("PRAGMA user_version = 1");
                    migrateToVersion2(statement);
                    seed();
                    LOG.info("created registry database {} with policies {} and device {}", databaseFile,
                            SeedPolicies.NAMES, SEEDED_DEVICE_ID);
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private void requireNoForeignTables(Statement statement) throws SQLException {
        try (ResultSet tables = statement.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")) {
            if (tables.next()) {
                throw new RegistryStorageException("registry database " + databaseFile
                        + " holds tables but no local hub schema version: it is not a local hub registry;"
                        + " move it away or delete the data directory to start afresh");
            }
        }
    }

    private void seed() throws SQLException {
        for (SharedAccessPolicy policy : SeedPolicies.withRandomKeys()) {
            insertPolicy(policy);
        }
        insertDevice(new DeviceIdentity(SEEDED_DEVICE_ID, SymmetricKeys.random(), SymmetricKeys.random(), true,
                now()));
    }

    /**
     * Caps the database at {@code pages} pages, so that tests can make a write fail exactly as a full disk does
     * (SQLITE_FULL) without filling a real disk.
     */
    void limitSizeTo(long pages) {
        withLock("limit the database size", () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        });
    }

    /** Re-reads everything from the database, picking up changes made by other processes. */
    public void reload() {
        withLock("read the registry", () -> {
            Map<String, DeviceIdentity> freshDevices = selectDevices();
            Map<String, SharedAccessPolicy> freshPolicies = selectPolicies();
            devices.keySet().retainAll(freshDevices.keySet());
            devices.putAll(freshDevices);
            policies.keySet().retainAll(freshPolicies.keySet());
            policies.putAll(freshPolicies);
            return null;
        });
    }

    /**
     * Reloads the cache when another process (the CLI, another app) committed to the database since last time.
     * Runs on every lookup, so on every CONNECT: the statement is prepared once (preparing it each time was most
     * of the registry's share of a connect's CPU).
     */
    private void reloadIfChangedElsewhere() {
        withLock("read the registry", () -> {
            if (dataVersionQuery == null) {
                dataVersionQuery = connection.prepareStatement("PRAGMA data_version");
            }
            long dataVersion;
            try (ResultSet row = dataVersionQuery.executeQuery()) {
                dataVersion = row.next() ? row.getLong(1) : -1;
            }
            if (dataVersion != seenDataVersion) {
                seenDataVersion = dataVersion;
                reload();
            }
            return null;
        });
    }

    @Override
    public Optional<DeviceIdentity> findDevice(String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        reloadIfChangedElsewhere();
        return Optional.ofNullable(devices.get(deviceId));
    }

    @Override
    public List<DeviceIdentity> listDevices() {
        reloadIfChangedElsewhere();
        return List.copyOf(devices.values());
    }

    @Override
    public DeviceIdentity createDevice(String deviceId) {
        return createDevice(deviceId, SymmetricKeys.random(), SymmetricKeys.random());
    }

    @Override
    public DeviceIdentity createDevice(String deviceId, String primaryKey, String secondaryKey) {
        DeviceIds.requireValid(deviceId);
        SymmetricKeys.requireValid("primary key", primaryKey);
        SymmetricKeys.requireValid("secondary key", secondaryKey);
        DeviceIdentity device = new DeviceIdentity(deviceId, primaryKey, secondaryKey, true, now());
        return withLock("create device " + deviceId, () -> {
            try {
                insertDevice(device);
            } catch (SQLiteException e) {
                if (e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    throw new DeviceAlreadyExistsException(deviceId);
                }
                throw e;
            }
            devices.put(deviceId, device);
            return device;
        });
    }

    @Override
    public boolean deleteDevice(String deviceId) {
        if (deviceId == null) {
            return false;
        }
        return withLock("delete device " + deviceId, () -> {
            // The twin lives and dies with its device, as in IoT Hub: both go in one transaction.
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device WHERE device_id = ?");
                 PreparedStatement deleteTwin = connection.prepareStatement("DELETE FROM twin WHERE device_id = ?")) {
                delete.setString(1, deviceId);
                boolean deleted = delete.executeUpdate() > 0;
                deleteTwin.setString(1, deviceId);
                deleteTwin.executeUpdate();
                connection.commit();
                devices.remove(deviceId);
                return deleted;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    @Override
    public DeviceIdentity setEnabled(String deviceId, boolean enabled) {
        Objects.requireNonNull(deviceId, "deviceId");
        return withLock("update device " + deviceId, () -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE device SET enabled = ? WHERE device_id = ?")) {
                update.setInt(1, enabled ? 1 : 0);
                update.setString(2, deviceId);
                if (update.executeUpdate() == 0) {
                    devices.remove(deviceId);
                    throw new DeviceNotFoundException(deviceId);
                }
            }
            DeviceIdentity updated = selectDevice(deviceId).orElseThrow(() -> new DeviceNotFoundException(deviceId));
            devices.put(deviceId, updated);
            return updated;
        });
    }

    @Override
    public DeviceIdentity updateDevice(String deviceId, String primaryKey, String secondaryKey, boolean enabled,
                                       String statusReason) {
        Objects.requireNonNull(deviceId, "deviceId");
        SymmetricKeys.requireValid("primary key", primaryKey);
        SymmetricKeys.requireValid("secondary key", secondaryKey);
        return withLock("update device " + deviceId, () -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE device SET primary_key = ?,"
                    + " secondary_key = ?, enabled = ?, status_reason = ? WHERE device_id = ?")) {
                update.setString(1, primaryKey);
                update.setString(2, secondaryKey);
                update.setInt(3, enabled ? 1 : 0);
                update.setString(4, statusReason);
                update.setString(5, deviceId);
                if (update.executeUpdate() == 0) {
                    devices.remove(deviceId);
                    throw new DeviceNotFoundException(deviceId);
                }
            }
            DeviceIdentity updated = selectDevice(deviceId).orElseThrow(() -> new DeviceNotFoundException(deviceId));
            devices.put(deviceId, updated);
            return updated;
        });
    }

    @Override
    public Optional<SharedAccessPolicy> findPolicy(String name) {
        if (name == null) {
            return Optional.empty();
        }
        reloadIfChangedElsewhere();
        return Optional.ofNullable(policies.get(name));
    }

    @Override
    public List<SharedAccessPolicy> listPolicies() {
        reloadIfChangedElsewhere();
        return List.copyOf(policies.values());
    }

    public Path databaseFile() {
        return databaseFile;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (dataVersionQuery != null) {
                dataVersionQuery.close();
            }
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing registry database {} failed", databaseFile, e);
        } finally {
            lock.unlock();
        }
    }

    private void insertDevice(DeviceIdentity device) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device"
                + " (device_id, primary_key, secondary_key, enabled, created_at_millis, status_reason)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, device.deviceId());
            insert.setString(2, device.primaryKey());
            insert.setString(3, device.secondaryKey());
            insert.setInt(4, device.enabled() ? 1 : 0);
            insert.setLong(5, device.createdAt().toEpochMilli());
            insert.setString(6, device.statusReason());
            insert.executeUpdate();
        }
    }

    private void insertPolicy(SharedAccessPolicy policy) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO shared_access_policy"
                + " (name, primary_key, secondary_key, rights) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, policy.name());
            insert.setString(2, policy.primaryKey());
            insert.setString(3, policy.secondaryKey());
            insert.setString(4, policy.rights().stream().sorted().map(Enum::name).collect(Collectors.joining(",")));
            insert.executeUpdate();
        }
    }

    private Map<String, DeviceIdentity> selectDevices() throws SQLException {
        Map<String, DeviceIdentity> result = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT " + DEVICE_COLUMNS + " FROM device")) {
            while (rows.next()) {
                DeviceIdentity device = toDevice(rows);
                result.put(device.deviceId(), device);
            }
        }
        return result;
    }

    private Optional<DeviceIdentity> selectDevice(String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + DEVICE_COLUMNS + " FROM device WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(toDevice(rows)) : Optional.empty();
            }
        }
    }

    private static DeviceIdentity toDevice(ResultSet row) throws SQLException {
        return new DeviceIdentity(row.getString(1), row.getString(2), row.getString(3), row.getInt(4) != 0,
                Instant.ofEpochMilli(row.getLong(5)), row.getString(6));
    }

    private Map<String, SharedAccessPolicy> selectPolicies() throws SQLException {
        Map<String, SharedAccessPolicy> result = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT name, primary_key, secondary_key, rights FROM shared_access_policy")) {
            while (rows.next()) {
                SharedAccessPolicy policy = new SharedAccessPolicy(rows.getString(1), rows.getString(2),
                        rows.getString(3), parseRights(rows.getString(4)));
                result.put(policy.name(), policy);
            }
        }
        return result;
    }

    private Set<AccessRight> parseRights(String stored) {
        Set<AccessRight> rights = EnumSet.noneOf(AccessRight.class);
        for (String name : stored.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            try {
                rights.add(AccessRight.valueOf(name.trim()));
            } catch (IllegalArgumentException e) {
                throw new RegistryStorageException(unreadableMessage(databaseFile, "unknown access right " + name));
            }
        }
        return rights;
    }

    private int schemaVersion() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private Instant now() {
        // Millisecond precision: what the database stores, so a re-read device equals the created one.
        return Instant.ofEpochMilli(clock.millis());
    }

    private <T> T withLock(String action, SqlAction<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new RegistryStorageException("registry database " + databaseFile + ": could not " + action
                    + " (" + e.getMessage() + ")", e);
        } finally {
            lock.unlock();
        }
    }

    private static RegistryStorageException openFailure(Path file, SQLException e) {
        SQLiteErrorCode code = e instanceof SQLiteException sqlite ? sqlite.getResultCode() : null;
        if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED) {
            return new RegistryStorageException("registry database " + file
                    + " is locked by another process (" + e.getMessage() + "): stop that process and retry", e);
        }
        if (code == SQLiteErrorCode.SQLITE_CANTOPEN || code == SQLiteErrorCode.SQLITE_PERM
                || code == SQLiteErrorCode.SQLITE_READONLY) {
            return new RegistryStorageException("registry database " + file + " cannot be opened for writing ("
                    + e.getMessage() + "): check that it and its directory belong to you and are writable", e);
        }
        return new RegistryStorageException(unreadableMessage(file, e.getMessage()), e);
    }

    private static String unreadableMessage(Path file, String detail) {
        return "registry database " + file + " is unreadable (" + detail + "): restore it from a backup"
                + " or delete the data directory to start afresh (all device keys change)";
    }

    @FunctionalInterface
    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    /** The policies every new hub starts with, as in a new Azure IoT Hub. */
    static final class SeedPolicies {

        static final List<String> NAMES =
                List.of("iothubowner", "service", "device", "registryRead", "registryReadWrite");

        private SeedPolicies() {
        }

        static List<SharedAccessPolicy> withRandomKeys() {
            List<SharedAccessPolicy> seeded = new ArrayList<>();
            seeded.add(policy("iothubowner", EnumSet.allOf(AccessRight.class)));
            seeded.add(policy("service", EnumSet.of(AccessRight.SERVICE_CONNECT)));
            seeded.add(policy("device", EnumSet.of(AccessRight.DEVICE_CONNECT)));
            seeded.add(policy("registryRead", EnumSet.of(AccessRight.REGISTRY_READ)));
            seeded.add(policy("registryReadWrite", EnumSet.of(AccessRight.REGISTRY_READ, AccessRight.REGISTRY_WRITE)));
            return seeded;
        }

        private static SharedAccessPolicy policy(String name, Set<AccessRight> rights) {
            return new SharedAccessPolicy(name, SymmetricKeys.random(), SymmetricKeys.random(), rights);
        }
    }
}
