package io.github.iothubquickstart.localhub.storage;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryStore;
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
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Device-to-cloud messages on disk (SQLite, WAL), so that what the hub acknowledged survives a crash of the hub.
 * Used by one writer thread at a time; reads for replay take the same lock.
 */
public final class SqliteTelemetryJournal implements TelemetryStore {
    private static final Gson GSON = new Gson();
    private static final Type PROPERTIES = new TypeToken<Map<String, String>>() { }.getType();

    private final Path file;
    private final Connection connection;
    /** Prepared once: compiling it costs about as much as running it for a small batch. */
    private final PreparedStatement insert;
    private long lastSequence;

    private SqliteTelemetryJournal(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        this.lastSequence = queryLong("SELECT COALESCE(MAX(sequence_number), 0) FROM telemetry");
        this.insert = connection.prepareStatement("INSERT INTO telemetry (sequence_number, device_id,"
                + " enqueued_millis, system_properties, application_properties, body) VALUES (?, ?, ?, ?, ?, ?)");
    }

    public static SqliteTelemetryJournal open(Path file, TelemetryDurability durability) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                // Only this hub process uses the journal (replay goes through it): an exclusive lock spares each
                // commit its file-lock calls and keeps the WAL index in memory. Must precede the first read.
                statement.execute("PRAGMA locking_mode=EXCLUSIVE");
                // Nothing else may hold it, so waiting for the lock would only delay telling a second hub why.
                statement.execute("PRAGMA busy_timeout=0");
                try (ResultSet check = statement.executeQuery("PRAGMA quick_check")) {
                    String result = check.next() ? check.getString(1) : "no answer";
                    if (!"ok".equalsIgnoreCase(result)) {
                        connection.close();
                        throw unreadable(file, "integrity check: " + result);
                    }
                }
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=" + durability.name());
                statement.execute("CREATE TABLE IF NOT EXISTS telemetry ("
                        + " sequence_number INTEGER PRIMARY KEY,"
                        + " device_id TEXT NOT NULL,"
                        + " enqueued_millis INTEGER NOT NULL,"
                        + " system_properties TEXT NOT NULL,"
                        + " application_properties TEXT NOT NULL,"
                        + " body BLOB NOT NULL)");
                // Journals of earlier versions indexed the arrival time: every commit wrote an index page too.
                // Sequence order is arrival order, which is all that pruning by age needs.
                statement.execute("DROP INDEX IF EXISTS telemetry_enqueued");
            }
            connection.setAutoCommit(false);
            connection.commit();
            return new SqliteTelemetryJournal(file, connection);
        } catch (IOException e) {
            throw new StorageException("cannot create telemetry journal " + file + " (" + e + ")", e);
        } catch (SQLException e) {
            if (e instanceof SQLiteException busy && (busy.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code) {
                throw new StorageException("telemetry journal " + file + " is in use by another process: is"
                        + " another local hub running on this data directory? Stop it, or give this one another"
                        + " --data-dir", e);
            }
            throw unreadable(file, e.getMessage());
        }
    }

    /** Writes the batch in one transaction, numbering the messages in order; all or nothing. */
    @Override
    public synchronized List<TelemetryMessage> append(List<IncomingTelemetry> batch) {
        List<TelemetryMessage> stored = new ArrayList<>(batch.size());
        long sequence = lastSequence;
        try {
            for (IncomingTelemetry message : batch) {
                sequence++;
                insert.setLong(1, sequence);
                insert.setString(2, message.deviceId());
                insert.setLong(3, message.enqueuedTime().toEpochMilli());
                insert.setString(4, GSON.toJson(message.systemProperties()));
                insert.setString(5, GSON.toJson(message.applicationProperties()));
                insert.setBytes(6, message.body());
                insert.addBatch();
                stored.add(message.numbered(sequence));
            }
            insert.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            rollBack(insert);
            throw failure("store " + batch.size() + " messages", e);
        }
        lastSequence = sequence;
        return stored;
    }

    /** Up to {@code limit} stored messages with a sequence number above {@code afterSequence}, oldest first. */
    @Override
    public synchronized List<TelemetryMessage> readAfter(long afterSequence, int limit) {
        List<TelemetryMessage> messages = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT sequence_number, device_id, enqueued_millis,"
                + " system_properties, application_properties, body FROM telemetry WHERE sequence_number > ?"
                + " ORDER BY sequence_number LIMIT ?")) {
            select.setLong(1, afterSequence);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    messages.add(new TelemetryMessage(rows.getLong(1), rows.getString(2),
                            Instant.ofEpochMilli(rows.getLong(3)), GSON.fromJson(rows.getString(4), PROPERTIES),
                            GSON.fromJson(rows.getString(5), PROPERTIES), rows.getBytes(6)));
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw failure("read stored messages", e);
        }
        return messages;
    }

    @Override
    public synchronized List<TelemetryMessage> readFrom(Instant from, int limit) {
        try (PreparedStatement first = connection.prepareStatement(
                "SELECT sequence_number FROM telemetry WHERE enqueued_millis >= ? ORDER BY sequence_number LIMIT 1")) {
            first.setLong(1, from.toEpochMilli());
            long firstSequence;
            try (ResultSet row = first.executeQuery()) {
                firstSequence = row.next() ? row.getLong(1) : -1;
            }
            connection.commit();
            return firstSequence < 0 ? List.of() : readAfter(firstSequence - 1, limit);
        } catch (SQLException e) {
            throw failure("read stored messages", e);
        }
    }

    @Override
    public synchronized long firstRetainedSequence() {
        try {
            return queryLong("SELECT COALESCE(MIN(sequence_number), " + (lastSequence + 1) + ") FROM telemetry");
        } catch (SQLException e) {
            throw failure("read stored messages", e);
        }
    }

    /**
     * Deletes what retention no longer covers: beyond the newest {@code maxMessages}, or older than {@code notBefore}.
     * Messages are numbered as they arrive, so the old ones are a prefix of the sequence: the age cut-off is the first
     * message new enough, found by reading from the oldest, without an index on the arrival time.
     */
    @Override
    public synchronized int prune(long maxMessages, Instant notBefore) {
        try (PreparedStatement firstKept = connection.prepareStatement(
                "SELECT sequence_number FROM telemetry WHERE enqueued_millis >= ? ORDER BY sequence_number LIMIT 1");
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM telemetry WHERE sequence_number < ?")) {
            firstKept.setLong(1, notBefore.toEpochMilli());
            long firstNewEnough;
            try (ResultSet row = firstKept.executeQuery()) {
                firstNewEnough = row.next() ? row.getLong(1) : lastSequence + 1;
            }
            delete.setLong(1, Math.max(firstNewEnough, lastSequence - maxMessages + 1));
            int deleted = delete.executeUpdate();
            connection.commit();
            return deleted;
        } catch (SQLException e) {
            rollBack(null);
            throw failure("drop messages beyond retention", e);
        }
    }

    @Override
    public synchronized long lastSequence() {
        return lastSequence;
    }

    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public synchronized void close() {
        try {
            insert.close();
            connection.close();
        } catch (SQLException e) {
            // closing is best effort; every commit is already on disk
        }
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            long value = rows.next() ? rows.getLong(1) : 0;
            connection.commit();
            return value;
        }
    }

    private void rollBack(PreparedStatement batch) {
        try {
            if (batch != null) {
                batch.clearBatch();
            }
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the caller reports the first failure
        }
    }

    private StorageException failure(String action, SQLException e) {
        return new StorageException("telemetry journal " + file + ": could not " + action + " (" + e.getMessage()
                + ")", e);
    }

    private static StorageException unreadable(Path file, String detail) {
        return new StorageException("telemetry journal " + file + " is unreadable (" + detail
                + "): move it away to keep its messages for inspection, or delete it; the hub starts a new one"
                + " (device keys are not affected)");
    }
}
