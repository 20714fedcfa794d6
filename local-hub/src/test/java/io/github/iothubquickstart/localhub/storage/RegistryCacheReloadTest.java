package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's cache is read again when another connection changed devices or policies, and only then: the twin
 * store writes the same file on a connection of its own, and a reload per twin write made every device lookup after
 * one cost the whole registry.
 */
class RegistryCacheReloadTest {
    @TempDir
    Path directory;

    @Test
    void twinWritesOfAnotherConnectionLeaveTheCacheAndDeviceWritesRefreshIt() {
        Path file = directory.resolve("registry.db");
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file, Clock.systemUTC());
             SqliteTwinStore twins = SqliteTwinStore.open(file, Clock.systemUTC())) {
            registry.createDevice("a", Authentication.randomSas());
            assertThat(registry.findDevice("a")).isPresent();
            long reloadsBefore = registry.reloadCount();

            for (int i = 0; i < 5; i++) {
                twins.update("a", twin -> new TwinDocument(twin.deviceId(), twin.version() + 1, twin.tags(),
                        twin.desired(), twin.desiredVersion(), twin.desiredUpdated(), twin.desiredMetadata(),
                        twin.reported(), twin.reportedVersion() + 1, twin.reportedUpdated(), twin.reportedMetadata()));
                assertThat(registry.findDevice("a")).isPresent();
            }
            assertThat(registry.reloadCount()).as("reloads after twin writes").isEqualTo(reloadsBefore);

            try (SqliteDeviceRegistry cli = SqliteDeviceRegistry.open(file, Clock.systemUTC())) {
                cli.createDevice("made-elsewhere", Authentication.randomSas());
            }
            assertThat(registry.findDevice("made-elsewhere")).isPresent();
            assertThat(registry.reloadCount()).isEqualTo(reloadsBefore + 1);
        }
    }
}
