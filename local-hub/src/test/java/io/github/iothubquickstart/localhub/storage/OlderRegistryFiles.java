package io.github.iothubquickstart.localhub.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Registry files exactly as older hubs wrote them, for the migration tests. */
final class OlderRegistryFiles {
    private OlderRegistryFiles() {
    }

    /** The tables of a version 2 registry (devices with a status reason, policies, twins), empty, user_version 2. */
    static void createVersionTwoSchema(Statement statement) throws SQLException {
        statement.execute("CREATE TABLE device (device_id TEXT PRIMARY KEY NOT NULL,"
                + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL,"
                + " enabled INTEGER NOT NULL, created_at_millis INTEGER NOT NULL, status_reason TEXT)");
        statement.execute("CREATE TABLE shared_access_policy (name TEXT PRIMARY KEY NOT NULL,"
                + " primary_key TEXT NOT NULL, secondary_key TEXT NOT NULL, rights TEXT NOT NULL)");
        statement.execute("CREATE TABLE twin (device_id TEXT PRIMARY KEY NOT NULL,"
                + " version INTEGER NOT NULL, tags TEXT NOT NULL,"
                + " desired TEXT NOT NULL, desired_version INTEGER NOT NULL, desired_updated_millis INTEGER NOT NULL,"
                + " reported TEXT NOT NULL, reported_version INTEGER NOT NULL, reported_updated_millis INTEGER NOT NULL)");
        statement.execute("PRAGMA user_version = 2");
    }

    static int userVersion(Path file) throws SQLException {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA user_version")) {
            return row.getInt(1);
        }
    }
}
