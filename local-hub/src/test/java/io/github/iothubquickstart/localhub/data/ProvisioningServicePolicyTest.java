package io.github.iothubquickstart.localhub.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning service's policy: made once per data directory, whoever asks first, readable by its owner only. */
class ProvisioningServicePolicyTest {
    @TempDir
    Path dataDirectory;

    @Test
    void theKeysAreMadeOnceAndKeptOwnerOnly() throws Exception {
        SharedAccessPolicy first = ProvisioningServicePolicy.loadOrCreate(dataDirectory);
        SharedAccessPolicy again = ProvisioningServicePolicy.loadOrCreate(dataDirectory);

        assertThat(first.name()).isEqualTo("provisioningserviceowner");
        assertThat(first.primaryKey()).isNotEqualTo(first.secondaryKey()).hasSize(44);
        assertThat(again.keys()).isEqualTo(first.keys());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dataDirectory.resolve(ProvisioningServicePolicy.FILE)))).isEqualTo("rw-------");
        try (var files = Files.list(dataDirectory)) {
            assertThat(files).as("no temporary file is left").hasSize(1);
        }
    }
}
