package io.github.iothubquickstart.localhub.storage;

import java.sql.PreparedStatement;
import java.util.List;

/**
 * The rows of a service-bound queue's table (cloud-to-device feedback, file upload notifications): numbered by an
 * {@code id} column, dated by a column of epoch milliseconds; removed when taken, expired, or past the queue's bound.
 */
final class ServiceBoundRows {
    private final LockedConnection database;
    private final String table;
    private final String madeAtColumn;
    private final String what;

    /** @param what for lock and error messages: "feedback", "file upload notifications" */
    ServiceBoundRows(LockedConnection database, String table, String madeAtColumn, String what) {
        this.database = database;
        this.table = table;
        this.madeAtColumn = madeAtColumn;
        this.what = what;
    }

    void remove(List<Long> ids) {
        database.inTransaction("remove " + what, () -> {
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM " + table + " WHERE id = ?")) {
                for (long id : ids) {
                    delete.setLong(1, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            return null;
        });
    }

    int expire(long madeAtOrBeforeMillis) {
        return database.withLock("expire " + what, () -> {
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM " + table + " WHERE " + madeAtColumn + " <= ?")) {
                delete.setLong(1, madeAtOrBeforeMillis);
                return delete.executeUpdate();
            }
        });
    }

    int trim(int max) {
        return database.withLock("bound the " + what, () -> {
            try (PreparedStatement delete = database.connection().prepareStatement("DELETE FROM " + table
                    + " WHERE id <= (SELECT id FROM " + table + " ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                delete.setInt(1, max);
                return delete.executeUpdate();
            }
        });
    }
}
