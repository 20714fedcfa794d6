package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that meets a full disk fails with a clear error and leaves the registry as it was before it. */
class RegistryFullDiskTest {
    @TempDir
    Path directory;

    @Test
    void aWriteOnAFullDiskFailsCleanlyAndCorruptsNothing() throws Exception {
        Path file = directory.resolve("registry.db");
        List<String> created = new ArrayList<>();
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file)) {
            registry.createDevice("before-full");
            created.add("before-full");
            registry.limitSizeTo(pageCount(file) + 1);

            StorageException full = null;
            for (int i = 0; i < 500 && full == null; i++) {
                try {
                    registry.createDevice("device-" + i);
                    created.add("device-" + i);
                } catch (StorageException e) {
                    full = e;
                }
            }

            assertThat(full).as("the capped database filled up").isNotNull();
            assertThat(full).hasMessageContaining(file.toString()).hasMessageContaining("full");
            assertThat(registry.listDevices()).extracting(DeviceIdentity::deviceId).containsAll(created);
            assertThatThrownBy(() -> registry.createDevice("one-more")).isInstanceOf(StorageException.class);
        }
        try (SqliteDeviceRegistry reopened = SqliteDeviceRegistry.open(file)) {
            assertThat(reopened.listDevices()).extracting(DeviceIdentity::deviceId)
                    .contains("MyJavaDevice").containsAll(created).doesNotContain("one-more");
            assertThat(reopened.findDevice("before-full")).isPresent();
        }
        try (Connection check = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = check.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("ok");
        }
    }

    private static long pageCount(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA page_count")) {
            return result.next() ? result.getLong(1) : 0;
        }
    }
}
