package io.github.iothubquickstart.localhub.device;

import io.github.iothubquickstart.localhub.files.SqliteFiles;
import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT persistent sessions (clean session 0), as IoT Hub keeps them: a device's subscriptions outlive its
 * connection, and the hub's restarts too. The Java device SDK relies on this: after reconnecting it does not
 * subscribe again, so without it a device would stop receiving method calls after any reconnect.
 */
public final class PersistentSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistentSessions.class);

    private final Path file;
    private final Connection connection;
    private final Map<String, Set<Subscription>> subscriptions = new ConcurrentHashMap<>();
    /** One thread writes, in order, off the event loops. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "session-store");
        thread.setDaemon(true);
        return thread;
    });

    private PersistentSessions(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT device_id, subscriptions FROM session")) {
            while (rows.next()) {
                subscriptions.put(rows.getString(1), parse(rows.getString(2)));
            }
        }
    }

    public static PersistentSessions open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("CREATE TABLE IF NOT EXISTS session (device_id TEXT PRIMARY KEY, subscriptions TEXT NOT NULL)");
            }
            return new PersistentSessions(file, connection);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("session store " + file + " is unreadable (" + e.getMessage()
                    + "): delete it; devices then subscribe again when they next connect with a clean session", e);
        }
    }

    /** What the device subscribed to in an earlier connection; empty when it has no session. */
    public Set<Subscription> restore(String deviceId) {
        Set<Subscription> kept = subscriptions.get(deviceId);
        return kept == null ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(kept);
    }

    public void remember(String deviceId, Set<Subscription> current) {
        Set<Subscription> copy = current.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(current);
        if (copy.equals(subscriptions.put(deviceId, copy))) {
            return;
        }
        String text = copy.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
        writer.execute(() -> write("INSERT INTO session (device_id, subscriptions) VALUES (?, ?)"
                + " ON CONFLICT(device_id) DO UPDATE SET subscriptions = excluded.subscriptions", deviceId, text));
    }

    /** A clean-session connect, or a deleted device: nothing carries over. */
    public void forget(String deviceId) {
        if (subscriptions.remove(deviceId) != null) {
            writer.execute(() -> write("DELETE FROM session WHERE device_id = ?", deviceId, null));
        }
    }

    private void write(String sql, String deviceId, String value) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, deviceId);
            if (value != null) {
                statement.setString(2, value);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Could not save the MQTT session of {} in {}: it may need to subscribe again after a hub restart",
                    deviceId, file, e);
        }
    }

    private static Set<Subscription> parse(String text) {
        Set<Subscription> parsed = EnumSet.noneOf(Subscription.class);
        Arrays.stream(text.split(",")).filter(name -> !name.isBlank()).forEach(name -> {
            try {
                parsed.add(Subscription.valueOf(name));
            } catch (IllegalArgumentException unknown) {
                // written by a newer hub: ignore what this one does not know
            }
        });
        return parsed;
    }

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
