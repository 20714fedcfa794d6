package io.github.iothubquickstart.localhub.storage;

import java.sql.SQLException;

/** Database work that may fail with SQLException; run by {@link LockedConnection}. */
@FunctionalInterface
interface SqlWork<T> {
    T run() throws SQLException;
}
