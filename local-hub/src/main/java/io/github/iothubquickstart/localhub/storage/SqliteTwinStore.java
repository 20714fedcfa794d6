package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
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
 * Twins in the registry database's {@code twin} table (module twins: {@code module_twin}, the same columns keyed by
 * device and module id) ({@link RegistrySchema}: the registry must have opened the
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
    public TwinDocument load(IdentityId owner) {
        return database.withLock("read the twin of " + owner, () -> {
            requireOwner(owner);
            return select(owner);
        });
    }

    @Override
    public TwinDocument update(IdentityId owner, UnaryOperator<TwinDocument> change) {
        return database.inTransaction("update the twin of " + owner, () -> {
            requireOwner(owner);
            TwinDocument current = select(owner);
            TwinDocument changed = change.apply(current);
            if (changed != current) {
                upsert(owner, changed);
            }
            return changed;
        });
    }

    @Override
    public void close() {
        database.close();
    }

    /** The twin's owner is registered: its device, and for a module twin the module too. */
    private void requireOwner(IdentityId owner) throws SQLException {
        if (!exists("SELECT 1 FROM device WHERE device_id = ?", IdentityId.device(owner.deviceId()))) {
            throw new DeviceNotFoundException(owner.deviceId());
        }
        if (owner.isModule() && !exists("SELECT 1 FROM module WHERE device_id = ? AND module_id = ?", owner)) {
            throw new ModuleNotFoundException(owner.deviceId(), owner.moduleId());
        }
    }

    private boolean exists(String sql, IdentityId owner) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement(sql)) {
            bindOwner(select, 1, owner);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Binds the device id, and for a module the module id after it; returns the next parameter index. */
    private static int bindOwner(PreparedStatement statement, int index, IdentityId owner) throws SQLException {
        statement.setString(index, owner.deviceId());
        if (owner.isModule()) {
            statement.setString(index + 1, owner.moduleId());
            return index + 2;
        }
        return index + 1;
    }

    private static String table(IdentityId owner) {
        return owner.isModule() ? "module_twin" : "twin";
    }

    private static String ownerCondition(IdentityId owner) {
        return owner.isModule() ? "device_id = ? AND module_id = ?" : "device_id = ?";
    }

    private TwinDocument select(IdentityId owner) throws SQLException {
        String deviceId = owner.deviceId();
        try (PreparedStatement select = database.connection().prepareStatement("SELECT version, tags, desired,"
                + " desired_version, desired_updated_millis, reported, reported_version, reported_updated_millis,"
                + " desired_metadata, reported_metadata, model_id FROM " + table(owner) + " WHERE " + ownerCondition(owner))) {
            bindOwner(select, 1, owner);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return TwinDocument.empty(deviceId, Instant.ofEpochMilli(clock.millis()));
                }
                return new TwinDocument(deviceId, row.getLong(1), object(row.getString(2)),
                        object(row.getString(3)), row.getLong(4), Instant.ofEpochMilli(row.getLong(5)),
                        metadata(row.getString(9)),
                        object(row.getString(6)), row.getLong(7), Instant.ofEpochMilli(row.getLong(8)),
                        metadata(row.getString(10)), row.getString(11));
            }
        }
    }

    private void upsert(IdentityId owner, TwinDocument twin) throws SQLException {
        try (PreparedStatement upsert = database.connection().prepareStatement("INSERT OR REPLACE INTO "
                + table(owner) + " (device_id, " + (owner.isModule() ? "module_id, " : "")
                + "version, tags, desired, desired_version, desired_updated_millis, reported,"
                + " reported_version, reported_updated_millis, desired_metadata, reported_metadata, model_id)"
                + " VALUES (?, " + (owner.isModule() ? "?, " : "") + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int next = bindOwner(upsert, 1, owner);
            upsert.setLong(next, twin.version());
            upsert.setString(next + 1, twin.tags().toString());
            upsert.setString(next + 2, twin.desired().toString());
            upsert.setLong(next + 3, twin.desiredVersion());
            upsert.setLong(next + 4, twin.desiredUpdated().toEpochMilli());
            upsert.setString(next + 5, twin.reported().toString());
            upsert.setLong(next + 6, twin.reportedVersion());
            upsert.setLong(next + 7, twin.reportedUpdated().toEpochMilli());
            upsert.setString(next + 8, StoredTwinMetadata.toJson(twin.desiredMetadata()));
            upsert.setString(next + 9, StoredTwinMetadata.toJson(twin.reportedMetadata()));
            upsert.setString(next + 10, twin.modelId());
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
