package io.github.iothubquickstart.localhub.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite connection, used by one thread at a time: a JDBC connection is not thread-safe, and SQLite serialises
 * writers anyway. Failures become a {@link StorageException} that names the file and what could not be done.
 */
final class LockedConnection implements AutoCloseable {
    private final String description;
    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    /** @param description what the file is, for messages: "registry database" */
    LockedConnection(String description, Path file, Connection connection) {
        this.description = description;
        this.file = file;
        this.connection = connection;
    }

    Path file() {
        return file;
    }

    /** For use inside {@link #withLock} or {@link #inTransaction} only. */
    Connection connection() {
        return connection;
    }

    <T> T withLock(String action, SqlWork<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StorageException(description + " " + file + ": could not " + action + " (" + e.getMessage()
                    + ")", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction: it takes SQLite's write lock first, so a
     * read-then-write cannot be overtaken by another process sharing the file. Rolled back if {@code work} throws.
     */
    <T> T inTransaction(String action, SqlWork<T> work) {
        return withLock(action, () -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                try {
                    T result = work.run();
                    statement.execute("COMMIT");
                    return result;
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
            // nothing is lost: every change was committed
        } finally {
            lock.unlock();
        }
    }
}
