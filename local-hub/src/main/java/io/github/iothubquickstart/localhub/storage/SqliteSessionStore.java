package io.github.iothubquickstart.localhub.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport keeps of a device's session between connections (for MQTT: its subscriptions), as opaque text
 * per device, in {@code sessions.db}. Writes are queued to one thread, in order, off the event loops.
 */
public final class SqliteSessionStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSessionStore.class);

    private final Path file;
    private final Connection connection;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "session-store");
        thread.setDaemon(true);
        return thread;
    });

    private SqliteSessionStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static SqliteSessionStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("CREATE TABLE IF NOT EXISTS session"
                        + " (device_id TEXT PRIMARY KEY, subscriptions TEXT NOT NULL)");
            }
            return new SqliteSessionStore(file, connection);
        } catch (IOException | SQLException e) {
            throw new StorageException("session store " + file + " is unreadable (" + e.getMessage()
                    + "): delete it; devices then subscribe again when they next connect with a clean session", e);
        }
    }

    /** Every stored session: device id to the text saved for it. */
    public Map<String, String> loadAll() {
        Map<String, String> sessions = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT device_id, subscriptions FROM session")) {
            while (rows.next()) {
                sessions.put(rows.getString(1), rows.getString(2));
            }
        } catch (SQLException e) {
            throw new StorageException("session store " + file + " is unreadable (" + e.getMessage()
                    + "): delete it; devices then subscribe again when they next connect with a clean session", e);
        }
        return sessions;
    }

    /** Queues saving {@code session} for the device, replacing what was saved. */
    public void save(String deviceId, String session) {
        writer.execute(() -> write("INSERT INTO session (device_id, subscriptions) VALUES (?, ?)"
                + " ON CONFLICT(device_id) DO UPDATE SET subscriptions = excluded.subscriptions", deviceId, session));
    }

    /** Queues forgetting the device's session. */
    public void delete(String deviceId) {
        writer.execute(() -> write("DELETE FROM session WHERE device_id = ?", deviceId, null));
    }

    private void write(String sql, String deviceId, String value) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, deviceId);
            if (value != null) {
                statement.setString(2, value);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Could not save the session of {} in {}: it may need to subscribe again after a hub restart",
                    deviceId, file, e);
        }
    }

    /** Finishes the queued writes, then closes the file. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Session store writes did not finish in time");
            }
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.debug("Closing {} failed", file, e);
        }
    }
}
