package io.github.iothubquickstart.localhub;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.LocalHubRegistryClient;
import io.github.iothubquickstart.localhubclient.RunningHub;
import io.github.iothubquickstart.localhubclient.RunningHubFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A started hub publishes itself for clients, who then reach its registry with what it published alone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunningHubPublicationTest {
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443);

    @TempDir
    Path dataDirectory;

    @Test
    void publishesWhileRunningAndWithdrawsOnClose() throws Exception {
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).build().start()) {
            RunningHub published = LocalHubFinder.find(dataDirectory, ADDRESS, hub.httpsPort()).orElseThrow();

            assertThat(published.hostName()).isEqualTo(ADDRESS);
            assertThat(published.bindAddress()).isEqualTo(ADDRESS);
            assertThat(published.mqttPort()).isEqualTo(8883);
            assertThat(published.httpsPort()).isEqualTo(8443);
            assertThat(published.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(published.caCertificateFile(dataDirectory)).isEqualTo(hub.caCertificateFile());
            assertThat("HostName=" + published.serviceHost() + ";SharedAccessKeyName=" + published.servicePolicy().name()
                    + ";SharedAccessKey=" + published.servicePolicy().key()).isEqualTo(hub.serviceConnectionString("service"));
            assertThat(published.registryPolicy().name()).isEqualTo("registryReadWrite");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RunningHubFile.in(dataDirectory))))
                    .isEqualTo("rw-------");
        }
        assertThat(RunningHubFile.in(dataDirectory)).doesNotExist();
        assertThat(LocalHubFinder.find(dataDirectory, ADDRESS, 8443)).isEmpty();
    }

    @Test
    void itsRegistryAnswersWithThePublishedPolicy() {
        try (LocalHub hub = LocalHub.builder().bindAddress(ADDRESS).dataDirectory(dataDirectory).build().start()) {
            LocalHubRegistryClient registry = LocalHubRegistryClient.forHub(dataDirectory,
                    RunningHubFile.read(dataDirectory).orElseThrow());

            assertThat(registry.deviceConnectionString("MyJavaDevice")).isEqualTo(hub.deviceConnectionString("MyJavaDevice"));
            assertThat(registry.primaryKey("NewDevice")).isEmpty();
            assertThat(registry.deviceConnectionString("NewDevice")).isEqualTo(hub.deviceConnectionString("NewDevice"));
        }
    }
}
