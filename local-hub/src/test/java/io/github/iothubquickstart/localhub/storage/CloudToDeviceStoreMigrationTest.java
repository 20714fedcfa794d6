package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.cloudtodevice.Acknowledgement;
import io.github.iothubquickstart.localhub.cloudtodevice.OutgoingMessage;
import io.github.iothubquickstart.localhub.cloudtodevice.QueueDepth;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code cloud-to-device.db} from before modules had queues opens in place: its messages stay their devices', and
 * messages for modules are stored beside them, across more restarts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CloudToDeviceStoreMigrationTest {
    private static final IdentityId DEVICE = IdentityId.device("old-device");
    private static final IdentityId MODULE = IdentityId.module("old-device", "module-1");

    @TempDir
    Path directory;

    @Test
    void aFileWithoutModulesKeepsItsDevicesMessagesAndTakesModulesMessages() throws Exception {
        Path file = directory.resolve("cloud-to-device.db");
        writeFileFromBeforeModules(file);

        try (SqliteCloudToDeviceStore store = SqliteCloudToDeviceStore.open(file)) {
            QueuedMessage old = store.oldest(DEVICE).orElseThrow();
            assertThat(old.messageId()).isEqualTo("queued-before");
            assertThat(old.moduleId()).isNull();
            assertThat(old.body()).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
            assertThat(store.oldest(MODULE)).isEmpty();

            store.enqueue(MODULE, "module-generation", message("for-module"), 2_000, 3_600_000, 50);
        }
        try (SqliteCloudToDeviceStore reopened = SqliteCloudToDeviceStore.open(file)) {
            assertThat(reopened.oldest(DEVICE).orElseThrow().messageId()).isEqualTo("queued-before");
            QueuedMessage forModule = reopened.oldest(MODULE).orElseThrow();
            assertThat(forModule.messageId()).isEqualTo("for-module");
            assertThat(forModule.identity()).isEqualTo(MODULE);
            assertThat(reopened.queueDepths()).containsExactlyInAnyOrder(
                    new QueueDepth(DEVICE, "old-generation", 1), new QueueDepth(MODULE, "module-generation", 1));
        }
    }

    private static OutgoingMessage message(String messageId) {
        return new OutgoingMessage(messageId, null, null, null, null, null, Acknowledgement.NONE, Map.of(),
                messageId.getBytes(StandardCharsets.UTF_8));
    }

    /** The schema as the hub wrote it before modules had queues, with one message queued for a device. */
    private static void writeFileFromBeforeModules(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE message ("
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
            statement.execute("CREATE INDEX message_by_device ON message (device_id, sequence_number)");
            statement.execute("CREATE INDEX message_by_expiry ON message (expiry_millis)");
            statement.execute("CREATE TABLE feedback ("
                    + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " original_message_id TEXT,"
                    + " device_id TEXT NOT NULL,"
                    + " device_generation_id TEXT NOT NULL,"
                    + " enqueued_millis INTEGER NOT NULL,"
                    + " status TEXT NOT NULL)");
            statement.execute("INSERT INTO message (device_id, device_generation_id, message_id, ack, enqueued_millis,"
                    + " expiry_millis, delivery_count, properties, body) VALUES ('old-device', 'old-generation',"
                    + " 'queued-before', 'NONE', 1000, 3600000, 0, '{}', X'6F6C64')");
        }
    }
}
