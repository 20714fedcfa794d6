package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.InitialRegistry;
import io.github.iothubquickstart.localhub.registry.ModuleAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device identities, their modules and shared access policies in the registry database (schema:
 * {@link RegistrySchema}).
 *
 * <p>Reads are served from an in-memory copy that every write updates, because the hub looks a device up on every
 * CONNECT. Commits by other processes sharing the file (the CLI while the hub runs) are picked up on the next read.
 */
public final class SqliteDeviceRegistry implements DeviceRegistry, ModuleRegistry, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDeviceRegistry.class);
    private static final String MODULE_COLUMNS =
            "device_id, module_id, primary_key, secondary_key, managed_by, created_at_millis,"
                    + " authentication_type, primary_thumbprint, secondary_thumbprint";
    private static final String DEVICE_COLUMNS =
            "device_id, primary_key, secondary_key, enabled, created_at_millis, status_reason,"
                    + " iot_edge, device_scope, parent_scope, authentication_type, primary_thumbprint,"
                    + " secondary_thumbprint";

    private final LockedConnection database;
    private final Clock clock;
    private final NavigableMap<String, DeviceIdentity> devices = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, SharedAccessPolicy> policies = new ConcurrentSkipListMap<>();
    /** SQLite's counter of commits made by other connections. Guarded by the connection's lock. */
    private long seenDataVersion = -1;
    /** Prepared once: it runs on every lookup. Guarded by the connection's lock. */
    private PreparedStatement dataVersionQuery;
    /** The device and policy tables' generation (schema 9) when the cache last read them; -1 before. */
    private long seenGeneration = -1;
    /** How often the cache was read again from the file (for tests). */
    private final java.util.concurrent.atomic.AtomicLong reloads = new java.util.concurrent.atomic.AtomicLong();
    private PreparedStatement generationQuery;

    private SqliteDeviceRegistry(LockedConnection database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Opens the registry, creating and seeding it ({@link InitialRegistry}) if the file does not exist yet. */
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
            throw new StorageException("no registry database at " + databaseFile
                    + ": start the local hub first so that it creates one");
        }
        return open(databaseFile, Clock.systemUTC(), false);
    }

    private static SqliteDeviceRegistry open(Path databaseFile, Clock clock, boolean createIfAbsent) {
        Path file = databaseFile.toAbsolutePath();
        Connection connection = RegistryFiles.connect(file, createIfAbsent);
        SqliteDeviceRegistry registry =
                new SqliteDeviceRegistry(new LockedConnection("registry database", file, connection), clock);
        try {
            new RegistrySchema(file, connection).prepare(createIfAbsent, registry::seed);
            registry.reload();
            return registry;
        } catch (SQLException e) {
            registry.close();
            throw RegistryFiles.openFailure(file, e);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    private void seed(Connection connection) throws SQLException {
        for (SharedAccessPolicy policy : InitialRegistry.policies()) {
            insertPolicy(connection, policy);
        }
        insertDevice(connection, InitialRegistry.quickstartDevice(now()));
        LOG.info("registry {} starts with policies {} and device {}", database.file(), InitialRegistry.POLICY_NAMES,
                InitialRegistry.QUICKSTART_DEVICE_ID);
    }

    /**
     * Caps the database at {@code pages} pages, so that tests can make a write fail exactly as a full disk does
     * (SQLITE_FULL) without filling a real disk.
     */
    void limitSizeTo(long pages) {
        database.withLock("limit the database size", () -> {
            try (Statement statement = database.connection().createStatement()) {
                statement.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        });
    }

    /** Re-reads everything from the database, picking up changes made by other processes. */
    public void reload() {
        reloads.incrementAndGet();
        database.withLock("read the registry", () -> {
            Map<String, DeviceIdentity> freshDevices = selectDevices();
            Map<String, SharedAccessPolicy> freshPolicies = selectPolicies();
            devices.keySet().retainAll(freshDevices.keySet());
            devices.putAll(freshDevices);
            policies.keySet().retainAll(freshPolicies.keySet());
            policies.putAll(freshPolicies);
            return null;
        });
    }

    long reloadCount() {
        return reloads.get();
    }

    private long generation() throws SQLException {
        if (generationQuery == null) {
            generationQuery = database.connection().prepareStatement(
                    "SELECT generation FROM registry_generation WHERE id = 1");
        }
        try (ResultSet row = generationQuery.executeQuery()) {
            return row.next() ? row.getLong(1) : -1;
        }
    }

    /** Reloads the cache when another connection changed the devices or policies since last time. */
    private void reloadIfChangedElsewhere() {
        database.withLock("read the registry", () -> {
            if (dataVersionQuery == null) {
                dataVersionQuery = database.connection().prepareStatement("PRAGMA data_version");
            }
            long dataVersion;
            try (ResultSet row = dataVersionQuery.executeQuery()) {
                dataVersion = row.next() ? row.getLong(1) : -1;
            }
            if (dataVersion != seenDataVersion) {
                seenDataVersion = dataVersion;
                // Another connection committed: the twin store's (same file) most of the time, which leaves the
                // cached tables as they were. Reloading every device then made each lookup after a twin write cost
                // the whole registry (a configuration for 10,000 twins took 257 s instead of 9.7 s).
                long generation = generation();
                if (generation != seenGeneration) {
                    seenGeneration = generation;
                    reload();
                }
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
    public DeviceIdentity createDevice(String deviceId, Authentication authentication) {
        DeviceIds.requireValid(deviceId);
        authentication.requireValid();
        DeviceIdentity device = new DeviceIdentity(deviceId, authentication, true, now(), null, EdgeHierarchy.NONE);
        return database.withLock("create device " + deviceId, () -> {
            try {
                insertDevice(database.connection(), device);
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
        // The twin and the modules (with their twins) live and die with their device, as in IoT Hub: all go in one
        // transaction.
        boolean deleted = database.inTransaction("delete device " + deviceId, () -> {
            Connection connection = database.connection();
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device WHERE device_id = ?")) {
                delete.setString(1, deviceId);
                boolean found = delete.executeUpdate() > 0;
                for (String table : List.of("twin", "module", "module_twin")) {
                    try (PreparedStatement deleteOwned = connection.prepareStatement(
                            "DELETE FROM " + table + " WHERE device_id = ?")) {
                        deleteOwned.setString(1, deviceId);
                        deleteOwned.executeUpdate();
                    }
                }
                return found;
            }
        });
        devices.remove(deviceId);
        return deleted;
    }

    @Override
    public DeviceIdentity setEnabled(String deviceId, boolean enabled) {
        Objects.requireNonNull(deviceId, "deviceId");
        return update(deviceId, "UPDATE device SET enabled = ? WHERE device_id = ?", statement -> {
            statement.setInt(1, enabled ? 1 : 0);
            statement.setString(2, deviceId);
        });
    }

    @Override
    public DeviceIdentity updateDevice(String deviceId, Authentication authentication, boolean enabled,
                                       String statusReason) {
        Objects.requireNonNull(deviceId, "deviceId");
        authentication.requireValid();
        return update(deviceId, "UPDATE device SET primary_key = ?, secondary_key = ?, authentication_type = ?,"
                + " primary_thumbprint = ?, secondary_thumbprint = ?, enabled = ?, status_reason = ?"
                + " WHERE device_id = ?", statement -> {
            setAuthentication(statement, 1, authentication);
            statement.setInt(6, enabled ? 1 : 0);
            statement.setString(7, statusReason);
            statement.setString(8, deviceId);
        });
    }

    @Override
    public DeviceIdentity setEdgeHierarchy(String deviceId, EdgeHierarchy edge) {
        Objects.requireNonNull(deviceId, "deviceId");
        return update(deviceId, "UPDATE device SET iot_edge = ?, device_scope = ?, parent_scope = ?"
                + " WHERE device_id = ?", statement -> {
            statement.setInt(1, edge.iotEdge() ? 1 : 0);
            statement.setString(2, edge.deviceScope());
            statement.setString(3, edge.parentScope());
            statement.setString(4, deviceId);
        });
    }

    private DeviceIdentity update(String deviceId, String sql, Parameters parameters) {
        return database.withLock("update device " + deviceId, () -> {
            try (PreparedStatement update = database.connection().prepareStatement(sql)) {
                parameters.set(update);
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
    public Optional<ModuleIdentity> findModule(String deviceId, String moduleId) {
        if (deviceId == null || moduleId == null) {
            return Optional.empty();
        }
        // Not cached: read on each module CONNECT and registry call only, and always current across processes.
        return database.withLock("read module " + deviceId + "/" + moduleId, () -> {
            try (PreparedStatement select = database.connection().prepareStatement(
                    "SELECT " + MODULE_COLUMNS + " FROM module WHERE device_id = ? AND module_id = ?")) {
                select.setString(1, deviceId);
                select.setString(2, moduleId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(toModule(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<ModuleIdentity> listModules(String deviceId) {
        return database.withLock("list the modules of " + deviceId, () -> {
            List<ModuleIdentity> modules = new ArrayList<>();
            try (PreparedStatement select = database.connection().prepareStatement(
                    "SELECT " + MODULE_COLUMNS + " FROM module WHERE device_id = ? ORDER BY module_id")) {
                select.setString(1, deviceId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        modules.add(toModule(rows));
                    }
                }
            }
            return modules;
        });
    }

    @Override
    public ModuleIdentity createModule(String deviceId, String moduleId, Authentication authentication,
                                       String managedBy) {
        DeviceIds.requireValid(moduleId);
        authentication.requireValid();
        ModuleIdentity module = new ModuleIdentity(deviceId, moduleId, authentication, managedBy, now());
        return database.inTransaction("create module " + module.id(), () -> {
            Connection connection = database.connection();
            if (selectDevice(deviceId).isEmpty()) {
                throw new DeviceNotFoundException(deviceId);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO module (" + MODULE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, deviceId);
                insert.setString(2, moduleId);
                insert.setString(5, managedBy);
                insert.setLong(6, module.createdAt().toEpochMilli());
                setKeysAndThumbprints(insert, 3, 7, authentication);
                insert.executeUpdate();
            } catch (SQLiteException e) {
                if (e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY) {
                    throw new ModuleAlreadyExistsException(deviceId, moduleId);
                }
                throw e;
            }
            return module;
        });
    }

    @Override
    public ModuleIdentity updateModule(String deviceId, String moduleId, Authentication authentication,
                                       String managedBy) {
        authentication.requireValid();
        database.withLock("update module " + deviceId + "/" + moduleId, () -> {
            try (PreparedStatement update = database.connection().prepareStatement("UPDATE module SET"
                    + " primary_key = ?, secondary_key = ?, authentication_type = ?, primary_thumbprint = ?,"
                    + " secondary_thumbprint = ?, managed_by = ? WHERE device_id = ? AND module_id = ?")) {
                setAuthentication(update, 1, authentication);
                update.setString(6, managedBy);
                update.setString(7, deviceId);
                update.setString(8, moduleId);
                if (update.executeUpdate() == 0) {
                    throw new ModuleNotFoundException(deviceId, moduleId);
                }
            }
            return null;
        });
        return findModule(deviceId, moduleId).orElseThrow(() -> new ModuleNotFoundException(deviceId, moduleId));
    }

    @Override
    public boolean deleteModule(String deviceId, String moduleId) {
        return database.inTransaction("delete module " + deviceId + "/" + moduleId, () -> {
            boolean found = false;
            for (String table : List.of("module", "module_twin")) {
                try (PreparedStatement delete = database.connection().prepareStatement(
                        "DELETE FROM " + table + " WHERE device_id = ? AND module_id = ?")) {
                    delete.setString(1, deviceId);
                    delete.setString(2, moduleId);
                    found |= delete.executeUpdate() > 0 && table.equals("module");
                }
            }
            return found;
        });
    }

    private ModuleIdentity toModule(ResultSet row) throws SQLException {
        return new ModuleIdentity(row.getString(1), row.getString(2), authentication(row, 3, 7), row.getString(5),
                Instant.ofEpochMilli(row.getLong(6)));
    }

    /** Keys at {@code keyColumn} and the next; type and thumbprints at {@code typeColumn} and the next two. */
    private Authentication authentication(ResultSet row, int keyColumn, int typeColumn) throws SQLException {
        String type = row.getString(typeColumn);
        AuthenticationType authenticationType = AuthenticationType.fromWireName(type).orElseThrow(
                () -> new StorageException(RegistryFiles.unreadable(database.file(), "unknown authentication type "
                        + type)));
        try {
            return new Authentication(authenticationType, row.getString(keyColumn), row.getString(keyColumn + 1),
                    row.getString(typeColumn + 1), row.getString(typeColumn + 2));
        } catch (IllegalArgumentException e) {
            throw new StorageException(RegistryFiles.unreadable(database.file(), e.getMessage()));
        }
    }

    /** Sets keys, type, primary and secondary thumbprint at {@code first} to {@code first + 4}. */
    private static void setAuthentication(PreparedStatement statement, int first, Authentication authentication)
            throws SQLException {
        setKeysAndThumbprints(statement, first, first + 2, authentication);
    }

    private static void setKeysAndThumbprints(PreparedStatement statement, int keyIndex, int typeIndex,
                                              Authentication authentication) throws SQLException {
        statement.setString(keyIndex, authentication.primaryKey());
        statement.setString(keyIndex + 1, authentication.secondaryKey());
        statement.setString(typeIndex, authentication.type().wireName());
        statement.setString(typeIndex + 1, authentication.primaryThumbprint());
        statement.setString(typeIndex + 2, authentication.secondaryThumbprint());
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
        return database.file();
    }

    @Override
    public void close() {
        database.withLock("close", () -> {
            if (generationQuery != null) {
                generationQuery.close();
            }
            if (dataVersionQuery != null) {
                dataVersionQuery.close();
            }
            return null;
        });
        database.close();
    }

    private static void insertDevice(Connection connection, DeviceIdentity device) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO device (" + DEVICE_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, device.deviceId());
            setKeysAndThumbprints(insert, 2, 10, device.authentication());
            insert.setInt(4, device.enabled() ? 1 : 0);
            insert.setLong(5, device.createdAt().toEpochMilli());
            insert.setString(6, device.statusReason());
            insert.setInt(7, device.edge().iotEdge() ? 1 : 0);
            insert.setString(8, device.edge().deviceScope());
            insert.setString(9, device.edge().parentScope());
            insert.executeUpdate();
        }
    }

    private static void insertPolicy(Connection connection, SharedAccessPolicy policy) throws SQLException {
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
        try (Statement statement = database.connection().createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + DEVICE_COLUMNS + " FROM device")) {
            while (rows.next()) {
                DeviceIdentity device = toDevice(rows);
                result.put(device.deviceId(), device);
            }
        }
        return result;
    }

    private Optional<DeviceIdentity> selectDevice(String deviceId) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement(
                "SELECT " + DEVICE_COLUMNS + " FROM device WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(toDevice(rows)) : Optional.empty();
            }
        }
    }

    private DeviceIdentity toDevice(ResultSet row) throws SQLException {
        EdgeHierarchy edge = new EdgeHierarchy(row.getInt(7) != 0, row.getString(8), row.getString(9));
        return new DeviceIdentity(row.getString(1), authentication(row, 2, 10), row.getInt(4) != 0,
                Instant.ofEpochMilli(row.getLong(5)), row.getString(6), edge);
    }

    private Map<String, SharedAccessPolicy> selectPolicies() throws SQLException {
        Map<String, SharedAccessPolicy> result = new HashMap<>();
        try (Statement statement = database.connection().createStatement();
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
                throw new StorageException(RegistryFiles.unreadable(database.file(), "unknown access right " + name));
            }
        }
        return rights;
    }

    private Instant now() {
        // Millisecond precision: what the database stores, so a re-read device equals the created one.
        return Instant.ofEpochMilli(clock.millis());
    }

    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }
}
