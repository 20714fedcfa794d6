package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.sqlite.SQLiteConfig;

/**
 * Twins in the registry database's {@code twin} table ({@link RegistrySchema}: the registry must have opened the
 * file first). Its own connection, so twin writes never wait behind the registry's cache; every update is one
 * {@code BEGIN IMMEDIATE} transaction, so changes from this process and others sharing the file are serialised.
 */
public final class SqliteTwinStore implements TwinStore, AutoCloseable {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final LockedConnection database;
    private final Clock clock;

    private SqliteTwinStore(LockedConnection database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public static SqliteTwinStore open(Path databaseFile, Clock clock) {
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            return new SqliteTwinStore(new LockedConnection("registry database", databaseFile,
                    config.createConnection("jdbc:sqlite:" + databaseFile)), clock);
        } catch (SQLException e) {
            throw new StorageException("registry database " + databaseFile + ": cannot open it for twins ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public TwinDocument load(String deviceId) {
        return database.withLock("read the twin of " + deviceId, () -> {
            requireDevice(deviceId);
            return select(deviceId);
        });
    }

    @Override
    public TwinDocument update(String deviceId, UnaryOperator<TwinDocument> change) {
        return database.inTransaction("update the twin of " + deviceId, () -> {
            requireDevice(deviceId);
            TwinDocument current = select(deviceId);
            TwinDocument changed = change.apply(current);
            if (changed != current) {
                upsert(changed);
            }
            return changed;
        });
    }

    @Override
    public void close() {
        database.close();
    }

    private void requireDevice(String deviceId) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement(
                "SELECT 1 FROM device WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new DeviceNotFoundException(deviceId);
                }
            }
        }
    }

    private TwinDocument select(String deviceId) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement("SELECT version, tags, desired,"
                + " desired_version, desired_updated_millis, reported, reported_version, reported_updated_millis,"
                + " desired_metadata, reported_metadata FROM twin WHERE device_id = ?")) {
            select.setString(1, deviceId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return TwinDocument.empty(deviceId, Instant.ofEpochMilli(clock.millis()));
                }
                return new TwinDocument(deviceId, row.getLong(1), object(row.getString(2)),
                        object(row.getString(3)), row.getLong(4), Instant.ofEpochMilli(row.getLong(5)),
                        metadata(row.getString(9)),
                        object(row.getString(6)), row.getLong(7), Instant.ofEpochMilli(row.getLong(8)),
                        metadata(row.getString(10)));
            }
        }
    }

    private void upsert(TwinDocument twin) throws SQLException {
        try (PreparedStatement upsert = database.connection().prepareStatement("INSERT OR REPLACE INTO twin"
                + " (device_id, version, tags, desired, desired_version, desired_updated_millis, reported,"
                + " reported_version, reported_updated_millis, desired_metadata, reported_metadata)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            upsert.setString(1, twin.deviceId());
            upsert.setLong(2, twin.version());
            upsert.setString(3, twin.tags().toString());
            upsert.setString(4, twin.desired().toString());
            upsert.setLong(5, twin.desiredVersion());
            upsert.setLong(6, twin.desiredUpdated().toEpochMilli());
            upsert.setString(7, twin.reported().toString());
            upsert.setLong(8, twin.reportedVersion());
            upsert.setLong(9, twin.reportedUpdated().toEpochMilli());
            upsert.setString(10, StoredTwinMetadata.toJson(twin.desiredMetadata()));
            upsert.setString(11, StoredTwinMetadata.toJson(twin.reportedMetadata()));
            upsert.executeUpdate();
        }
    }

    private SectionMetadata metadata(String json) {
        try {
            return StoredTwinMetadata.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new StorageException("registry database " + database.file()
                    + " holds twin metadata it cannot read: restore the database from a backup", e);
        }
    }

    private JsonObject object(String json) {
        try {
            return JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new StorageException("registry database " + database.file()
                    + " holds a twin that is not a JSON object: restore the database from a backup", e);
        }
    }
}
