package io.github.iothubquickstart.localhub.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubIdentityTest {

    @TempDir
    Path tmp;

    @Test
    void createsEverythingOnceAndReopensTheSameHub() throws Exception {
        Path dir = tmp.resolve("data");
        DeviceIdentity device;
        byte[] ca;
        try (HubIdentity hub = HubIdentity.openOrCreate(dir, List.of("myhub.local"), Clock.systemUTC())) {
            assertThat(hub.dataDirectory().path()).isEqualTo(dir);
            assertThat(hub.certificates().caCertificateFile()).isEqualTo(dir.resolve("ca.pem"));
            assertThat(hub.registry().databaseFile()).isEqualTo(dir.resolve("registry.db"));
            device = hub.registry().findDevice("MyJavaDevice").orElseThrow();
            ca = Files.readAllBytes(dir.resolve("ca.pem"));
        }

        try (HubIdentity again = HubIdentity.openOrCreate(dir, List.of("myhub.local"), Clock.systemUTC())) {
            assertThat(again.registry().findDevice("MyJavaDevice")).contains(device);
            assertThat(dir.resolve("ca.pem")).hasBinaryContent(ca);
        }
    }

    @Test
    void openExistingReadsWhatTheHubCreated() {
        Path dir = tmp.resolve("data");
        try (HubIdentity hub = HubIdentity.openOrCreate(dir, List.of(), Clock.systemUTC())) {
            hub.registry().createDevice("dev1");
            try (HubIdentity client = HubIdentity.openExisting(dir)) {
                assertThat(client.registry().findDevice("dev1")).isPresent();
                assertThat(client.registry().findPolicy("service")).isEqualTo(hub.registry().findPolicy("service"));
                assertThat(client.certificates().caCertificate()).isEqualTo(hub.certificates().caCertificate());
            }
        }
    }

    @Test
    void openExistingCreatesNothingAndSaysWhatToDo() throws Exception {
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> HubIdentity.openExisting(missing))
                .isInstanceOf(NoHubDataException.class)
                .hasMessageContaining("no local hub data at " + missing)
                .hasMessageContaining("start the local hub first (java -jar local-hub/target/local-hub.jar)"
                        + " or pass a connection string");
        assertThat(missing).doesNotExist();

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> HubIdentity.openExisting(empty))
                .isInstanceOf(NoHubDataException.class)
                .hasMessageContaining("ca.pem is missing");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void concurrentFirstStartsShareOneCaAndOneSeed() throws Exception {
        Path dir = tmp.resolve("data");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<HubIdentity> hubs = new ArrayList<>();
        try {
            List<Future<HubIdentity>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(pool.submit(() -> HubIdentity.openOrCreate(dir, List.of(), Clock.systemUTC())));
            }
            for (Future<HubIdentity> future : futures) {
                hubs.add(future.get(30, TimeUnit.SECONDS));
            }
            assertThat(hubs).extracting(hub -> hub.certificates().caCertificate()).containsOnly(
                    hubs.get(0).certificates().caCertificate());
            assertThat(hubs).extracting(hub -> hub.registry().findDevice("MyJavaDevice").orElseThrow())
                    .containsOnly(hubs.get(0).registry().findDevice("MyJavaDevice").orElseThrow());
        } finally {
            hubs.forEach(HubIdentity::close);
            pool.shutdownNow();
        }
    }
}
