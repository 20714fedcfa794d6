package io.github.iothubquickstart.localhub.storage;

import java.io.IOException;
import java.nio.file.Files;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/** Opens the hub's SQLite files the one way they should be: readable by the owner only, waiting on busy locks. */
public final class SqliteFiles {
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private SqliteFiles() {
    }

    /** Creates the file owner-only first when it is absent; SQLite then gives its -wal and -shm files that mode. */
    public static Connection openOwnerOnly(Path file) throws IOException, SQLException {
        if (!Files.exists(file)) {
            SecureFiles.createOwnerOnlyFile(file);
        }
        return open(file);
    }

    /** Opens an existing file, or lets SQLite create one with its default mode. */
    public static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection("jdbc:sqlite:" + file);
    }
}
