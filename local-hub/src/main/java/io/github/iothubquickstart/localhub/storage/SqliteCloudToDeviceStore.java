package io.github.iothubquickstart.localhub.storage;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.iothubquickstart.localhub.cloudtodevice.Acknowledgement;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceStore;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackRecord;
import io.github.iothubquickstart.localhub.cloudtodevice.FeedbackStatus;
import io.github.iothubquickstart.localhub.cloudtodevice.OutgoingMessage;
import io.github.iothubquickstart.localhub.cloudtodevice.QueueDepth;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.cloudtodevice.StoredRecord;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Devices' and modules' cloud-to-device queues and the feedback waiting for back-ends, in {@code cloud-to-device.db}
 * (SQLite, WAL): a message the hub accepted from a back-end survives a crash of the hub, {@code kill -9} included.
 * Every change is one transaction. A message's {@code module_id} is null for a device's own queue; a file from before
 * modules had queues gains that column when opened, its messages staying the devices' own.
 */
public final class SqliteCloudToDeviceStore implements CloudToDeviceStore {
    private static final Gson GSON = new Gson();
    private static final Type PROPERTIES = new TypeToken<Map<String, String>>() { }.getType();
    private static final String MESSAGE_COLUMNS = "sequence_number, device_id, device_generation_id, message_id,"
            + " correlation_id, user_id, content_type, content_encoding, ack, enqueued_millis, expiry_millis,"
            + " delivery_count, properties, body, module_id";

    private final LockedConnection database;
    private final ServiceBoundRows feedbackRows;

    private SqliteCloudToDeviceStore(LockedConnection database) {
        this.database = database;
        this.feedbackRows = new ServiceBoundRows(database, "feedback", "enqueued_millis", "feedback");
    }

    public static SqliteCloudToDeviceStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=NORMAL");
                statement.execute("CREATE TABLE IF NOT EXISTS message ("
                        + " sequence_number INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " device_id TEXT NOT NULL,"
                        + " device_generation_id TEXT NOT NULL,"
                        + " message_id TEXT, correlation_id TEXT, user_id TEXT, content_type TEXT, content_encoding TEXT,"
                        + " ack TEXT NOT NULL,"
                        + " enqueued_millis INTEGER NOT NULL,"
                        + " expiry_millis INTEGER NOT NULL,"
                        + " delivery_count INTEGER NOT NULL,"
                        + " properties TEXT NOT NULL,"
                        + " body BLOB NOT NULL)");
                statement.execute("CREATE INDEX IF NOT EXISTS message_by_device ON message (device_id, sequence_number)");
                addModuleColumn(connection);
                statement.execute("CREATE INDEX IF NOT EXISTS message_by_identity"
                        + " ON message (device_id, module_id, sequence_number)");
                statement.execute("CREATE INDEX IF NOT EXISTS message_by_expiry ON message (expiry_millis)");
                statement.execute("CREATE TABLE IF NOT EXISTS feedback ("
                        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " original_message_id TEXT,"
                        + " device_id TEXT NOT NULL,"
                        + " device_generation_id TEXT NOT NULL,"
                        + " enqueued_millis INTEGER NOT NULL,"
                        + " status TEXT NOT NULL)");
                statement.execute("CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (enqueued_millis)");
            }
            return new SqliteCloudToDeviceStore(new LockedConnection("cloud-to-device store", file, connection));
        } catch (IOException | SQLException e) {
            throw new StorageException("cloud-to-device store " + file + " is unreadable (" + e.getMessage()
                    + "): move it away to start with empty queues", e);
        }
    }

    /** The queue a message is in: created before modules had queues, the table gains the column (null: devices'). */
    private static void addModuleColumn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet columns = statement.executeQuery("PRAGMA table_info(message)")) {
            while (columns.next()) {
                if ("module_id".equals(columns.getString("name"))) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE message ADD COLUMN module_id TEXT");
        }
    }

    /** Null-safe: a device's own queue is where module_id is null. */
    private static final String IN_QUEUE = "device_id = ? AND module_id IS ?";

    private static void setQueue(PreparedStatement statement, int index, IdentityId identity) throws SQLException {
        statement.setString(index, identity.deviceId());
        setNullable(statement, index + 1, identity.moduleId());
    }

    @Override
    public QueuedMessage enqueue(IdentityId to, String generationId, OutgoingMessage message,
                                 long enqueuedMillis, long expiryMillis, int maxQueued) {
        String deviceId = to.deviceId();
        String deviceGenerationId = generationId;
        return database.inTransaction("queue a message for " + to, () -> {
            Connection connection = database.connection();
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM message WHERE " + IN_QUEUE)) {
                setQueue(count, 1, to);
                try (ResultSet rows = count.executeQuery()) {
                    if (rows.next() && rows.getInt(1) >= maxQueued) {
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO message (device_id,"
                    + " device_generation_id, message_id, correlation_id, user_id, content_type, content_encoding, ack,"
                    + " enqueued_millis, expiry_millis, delivery_count, properties, body, module_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, deviceId);
                insert.setString(2, deviceGenerationId);
                setNullable(insert, 3, message.messageId());
                setNullable(insert, 4, message.correlationId());
                setNullable(insert, 5, message.userId());
                setNullable(insert, 6, message.contentType());
                setNullable(insert, 7, message.contentEncoding());
                insert.setString(8, message.ack().name());
                insert.setLong(9, enqueuedMillis);
                insert.setLong(10, expiryMillis);
                insert.setString(11, GSON.toJson(message.properties(), PROPERTIES));
                insert.setBytes(12, message.body());
                setNullable(insert, 13, to.moduleId());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return new QueuedMessage(keys.getLong(1), deviceId, to.moduleId(), deviceGenerationId, message.messageId(),
                            message.correlationId(), message.userId(), message.contentType(), message.contentEncoding(),
                            message.ack(), enqueuedMillis, expiryMillis, 0, message.properties(), message.body());
                }
            }
        });
    }

    @Override
    public Optional<QueuedMessage> oldest(IdentityId identity) {
        return database.withLock("read the queue of " + identity, () -> {
            List<QueuedMessage> found = messages("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE " + IN_QUEUE
                    + " ORDER BY sequence_number LIMIT 1", statement -> setQueue(statement, 1, identity));
            return found.stream().findFirst();
        });
    }

    @Override
    public void delivered(long sequenceNumber) {
        database.withLock("count a delivery", () -> {
            try (PreparedStatement update = database.connection().prepareStatement(
                    "UPDATE message SET delivery_count = delivery_count + 1 WHERE sequence_number = ?")) {
                update.setLong(1, sequenceNumber);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public boolean remove(long sequenceNumber, FeedbackRecord feedback) {
        return database.inTransaction("remove a message", () -> {
            int removed;
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM message WHERE sequence_number = ?")) {
                delete.setLong(1, sequenceNumber);
                removed = delete.executeUpdate();
            }
            if (removed > 0 && feedback != null) {
                insertFeedback(feedback);
            }
            return removed > 0;
        });
    }

    @Override
    public List<QueuedMessage> expired(long nowMillis, int limit) {
        return database.withLock("find expired messages", () -> messages("SELECT " + MESSAGE_COLUMNS
                + " FROM message WHERE expiry_millis <= ? ORDER BY sequence_number LIMIT ?", statement -> {
                    statement.setLong(1, nowMillis);
                    statement.setInt(2, limit);
                }));
    }

    @Override
    public List<QueuedMessage> purge(IdentityId identity, Function<QueuedMessage, Optional<FeedbackRecord>> feedback) {
        return database.inTransaction("purge the queue of " + identity, () -> {
            List<QueuedMessage> queued = messages("SELECT " + MESSAGE_COLUMNS + " FROM message WHERE " + IN_QUEUE
                    + " ORDER BY sequence_number", statement -> setQueue(statement, 1, identity));
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM message WHERE " + IN_QUEUE)) {
                setQueue(delete, 1, identity);
                delete.executeUpdate();
            }
            for (QueuedMessage message : queued) {
                Optional<FeedbackRecord> record = feedback.apply(message);
                if (record.isPresent()) {
                    insertFeedback(record.get());
                }
            }
            return queued;
        });
    }

    @Override
    public List<StoredRecord<FeedbackRecord>> oldestFeedback(int limit) {
        return database.withLock("read feedback", () -> {
            List<StoredRecord<FeedbackRecord>> records = new ArrayList<>();
            try (PreparedStatement select = database.connection().prepareStatement("SELECT id, original_message_id,"
                    + " device_id, device_generation_id, enqueued_millis, status FROM feedback ORDER BY id LIMIT ?")) {
                select.setInt(1, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(new StoredRecord<>(rows.getLong(1), new FeedbackRecord(rows.getString(2),
                                rows.getString(3), rows.getString(4), Instant.ofEpochMilli(rows.getLong(5)),
                                FeedbackStatus.valueOf(rows.getString(6)))));
                    }
                }
            }
            return records;
        });
    }

    @Override
    public void removeFeedback(List<Long> ids) {
        feedbackRows.remove(ids);
    }

    @Override
    public List<QueueDepth> queueDepths() {
        return database.withLock("count queued messages", () -> {
            List<QueueDepth> depths = new ArrayList<>();
            try (PreparedStatement select = database.connection().prepareStatement("SELECT device_id, module_id,"
                    + " device_generation_id, COUNT(*) FROM message"
                    + " GROUP BY device_id, module_id, device_generation_id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    depths.add(new QueueDepth(new IdentityId(rows.getString(1), rows.getString(2)),
                            rows.getString(3), rows.getInt(4)));
                }
            }
            return depths;
        });
    }

    @Override
    public int expireFeedback(long madeAtOrBeforeMillis) {
        return feedbackRows.expire(madeAtOrBeforeMillis);
    }

    @Override
    public int trimFeedback(int max) {
        return feedbackRows.trim(max);
    }

    @Override
    public String location() {
        return database.file().toString();
    }

    @Override
    public void close() {
        database.close();
    }

    private void insertFeedback(FeedbackRecord record) throws SQLException {
        try (PreparedStatement insert = database.connection().prepareStatement("INSERT INTO feedback"
                + " (original_message_id, device_id, device_generation_id, enqueued_millis, status) VALUES (?, ?, ?, ?, ?)")) {
            setNullable(insert, 1, record.originalMessageId());
            insert.setString(2, record.deviceId());
            insert.setString(3, record.deviceGenerationId());
            insert.setLong(4, record.enqueuedTime().toEpochMilli());
            insert.setString(5, record.status().name());
            insert.executeUpdate();
        }
    }

    /** Parameters of a statement, set by the caller. */
    @FunctionalInterface
    private interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    private List<QueuedMessage> messages(String sql, Parameters parameters) throws SQLException {
        List<QueuedMessage> found = new ArrayList<>();
        try (PreparedStatement select = database.connection().prepareStatement(sql)) {
            parameters.set(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Map<String, String> properties = GSON.fromJson(rows.getString(13), PROPERTIES);
                    found.add(new QueuedMessage(rows.getLong(1), rows.getString(2), rows.getString(15), rows.getString(3),
                            rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                            rows.getString(8), Acknowledgement.valueOf(rows.getString(9)), rows.getLong(10),
                            rows.getLong(11), rows.getInt(12), properties, bodyOf(rows.getBytes(14))));
                }
            }
        }
        return found;
    }

    /** SQLite gives an empty blob back as null. */
    private static byte[] bodyOf(byte[] stored) {
        return stored == null ? new byte[0] : stored;
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
