package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.cloudtodevice.StoredRecord;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotification;
import io.github.iothubquickstart.localhub.fileupload.FileUploadNotificationStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * File upload notifications waiting for a back-end, in {@code file-upload-notifications.db} (SQLite, WAL, synchronous
 * FULL): a notification the hub acknowledged to a device survives a crash of the hub until a back-end completes it.
 */
public final class SqliteFileUploadNotifications implements FileUploadNotificationStore {
    private final LockedConnection database;
    private final ServiceBoundRows rows;

    private SqliteFileUploadNotifications(LockedConnection database) {
        this.database = database;
        this.rows = new ServiceBoundRows(database, "notification", "enqueued_millis", "file upload notifications");
    }

    public static SqliteFileUploadNotifications open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("CREATE TABLE IF NOT EXISTS notification ("
                        + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " device_id TEXT NOT NULL,"
                        + " blob_uri TEXT NOT NULL,"
                        + " blob_name TEXT NOT NULL,"
                        + " last_updated_millis INTEGER NOT NULL,"
                        + " size_in_bytes INTEGER NOT NULL,"
                        + " enqueued_millis INTEGER NOT NULL)");
                statement.execute("CREATE INDEX IF NOT EXISTS notification_by_time ON notification (enqueued_millis)");
            }
            return new SqliteFileUploadNotifications(new LockedConnection("file upload notifications", file,
                    connection));
        } catch (IOException | SQLException e) {
            throw new StorageException("file upload notifications " + file + " are unreadable (" + e.getMessage()
                    + "): move the file away to start without them", e);
        }
    }

    @Override
    public void add(FileUploadNotification notification) {
        database.withLock("store a file upload notification", () -> {
            try (PreparedStatement insert = database.connection().prepareStatement("INSERT INTO notification"
                    + " (device_id, blob_uri, blob_name, last_updated_millis, size_in_bytes, enqueued_millis)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, notification.deviceId());
                insert.setString(2, notification.blobUri());
                insert.setString(3, notification.blobName());
                insert.setLong(4, notification.lastUpdatedTime().toEpochMilli());
                insert.setLong(5, notification.blobSizeInBytes());
                insert.setLong(6, notification.enqueuedTime().toEpochMilli());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public List<StoredRecord<FileUploadNotification>> oldest(int limit) {
        return database.withLock("read file upload notifications", () -> {
            List<StoredRecord<FileUploadNotification>> records = new ArrayList<>();
            try (PreparedStatement select = database.connection().prepareStatement("SELECT id, device_id, blob_uri,"
                    + " blob_name, last_updated_millis, size_in_bytes, enqueued_millis FROM notification"
                    + " ORDER BY id LIMIT ?")) {
                select.setInt(1, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        records.add(new StoredRecord<>(rows.getLong(1), new FileUploadNotification(rows.getString(2),
                                rows.getString(3), rows.getString(4), Instant.ofEpochMilli(rows.getLong(5)),
                                rows.getLong(6), Instant.ofEpochMilli(rows.getLong(7)))));
                    }
                }
            }
            return records;
        });
    }

    @Override
    public void remove(List<Long> ids) {
        rows.remove(ids);
    }

    @Override
    public int expire(long madeAtOrBeforeMillis) {
        return rows.expire(madeAtOrBeforeMillis);
    }

    @Override
    public int trim(int max) {
        return rows.trim(max);
    }

    @Override
    public void close() {
        database.close();
    }
}
