package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.RegistryStorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.sqlite.SQLiteConfig;

/**
 * Twins in the registry database's {@code twin} table (schema version 2, created by
 * {@link io.github.iothubquickstart.localhub.registry.SqliteDeviceRegistry}, which must have opened the file first).
 * Its own connection, so twin writes never wait behind the registry's cache; every update is one
 * {@code BEGIN IMMEDIATE} transaction.
 */
public final class SqliteTwinStore implements TwinStore, AutoCloseable {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path databaseFile;
    private final Connection connection;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteTwinStore(Path databaseFile, Connection connection, Clock clock) {
        this.databaseFile = databaseFile;
        this.connection = connection;
        this.clock = clock;
    }

    public static SqliteTwinStore open(Path databaseFile, Clock clock) {
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            return new SqliteTwinStore(databaseFile, config.createConnection("jdbc:sqlite:" + databaseFile), clock);
        } catch (SQLException e) {
            throw new RegistryStorageException("registry database " + databaseFile + ": cannot open it for twins ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public TwinDocument load(String deviceId) {
        return withLock("read the twin of " + deviceId, () -> {
            requireDevice(deviceId);
            return select(deviceId);
        });
    }

    @Override
    public TwinDocument update(String deviceId, UnaryOperator<TwinDocument> change) {
        return withLock("update the twin of " + deviceId, () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                try {
                    requireDevice(deviceId);
                    TwinDocument current = select(deviceId);
                    TwinDocument changed = change.apply(current);
                    if (changed != current) {
                        upsert(changed);
                    }
                    statement.execute("COMMIT");
                    return changed;
                } catch (SQLException | RuntimeException e) {
                    statement.execute("ROLLBACK");
                    throw e;
                }
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing left to save: every update was committed
        } finally {
            lock.unlock();
        }
    }

    private void requireDevice(String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM device WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new DeviceNotFoundException(deviceId);
                }
            }
        }
    }

    private TwinDocument select(String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT version, tags, desired, desired_version,"
                + " desired_updated_millis, reported, reported_version, reported_updated_millis"
                + " FROM twin WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return TwinDocument.empty(deviceId, Instant.ofEpochMilli(clock.millis()));
                }
                return new TwinDocument(deviceId, row.getLong(1), object(row.getString(2)),
                        object(row.getString(3)), row.getLong(4), Instant.ofEpochMilli(row.getLong(5)),
                        object(row.getString(6)), row.getLong(7), Instant.ofEpochMilli(row.getLong(8)));
            }
        }
    }

    private void upsert(TwinDocument twin) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT OR REPLACE INTO twin (device_id, version,"
                + " tags, desired, desired_version, desired_updated_millis, reported, reported_version,"
                + " reported_updated_millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            upsert.setString(1, twin.deviceId());
            upsert.setLong(2, twin.version());
            upsert.setString(3, twin.tags().toString());
            upsert.setString(4, twin.desired().toString());
            upsert.setLong(5, twin.desiredVersion());
            upsert.setLong(6, twin.desiredUpdated().toEpochMilli());
            upsert.setString(7, twin.reported().toString());
            upsert.setLong(8, twin.reportedVersion());
            upsert.setLong(9, twin.reportedUpdated().toEpochMilli());
            upsert.executeUpdate();
        }
    }

    private JsonObject object(String json) {
        try {
            return JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new RegistryStorageException("registry database " + databaseFile
                    + " holds a twin that is not a JSON object: restore the database from a backup", e);
        }
    }

    private <T> T withLock(String action, SqlWork<T> work) {
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

    @FunctionalInterface
    private interface SqlWork<T> {
        T run() throws SQLException;
    }
}
