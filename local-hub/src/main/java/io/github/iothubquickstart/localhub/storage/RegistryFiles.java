package io.github.iothubquickstart.localhub.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Opens the registry database file, and words what can go wrong with it so that the user knows what to do. */
final class RegistryFiles {
    private RegistryFiles() {
    }

    static Connection connect(Path file, boolean createIfAbsent) {
        try {
            return createIfAbsent ? SqliteFiles.openOwnerOnly(file) : SqliteFiles.open(file);
        } catch (IOException e) {
            throw new StorageException("cannot create registry database " + file + " (" + e + ")", e);
        } catch (SQLException e) {
            throw openFailure(file, e);
        }
    }

    static StorageException openFailure(Path file, SQLException e) {
        SQLiteErrorCode code = e instanceof SQLiteException sqlite ? sqlite.getResultCode() : null;
        if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED) {
            return new StorageException("registry database " + file
                    + " is locked by another process (" + e.getMessage() + "): stop that process and retry", e);
        }
        if (code == SQLiteErrorCode.SQLITE_CANTOPEN || code == SQLiteErrorCode.SQLITE_PERM
                || code == SQLiteErrorCode.SQLITE_READONLY) {
            return new StorageException("registry database " + file + " cannot be opened for writing ("
                    + e.getMessage() + "): check that it and its directory belong to you and are writable", e);
        }
        return new StorageException(unreadable(file, e.getMessage()), e);
    }

    static String unreadable(Path file, String detail) {
        return "registry database " + file + " is unreadable (" + detail + "): restore it from a backup"
                + " or delete the data directory to start afresh (all device keys change)";
    }
}
