package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.HubCertificates;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub started with {@code storageConnectionString} of an Azurite account (HTTPS, with a server certificate of the
 * hub's CA): the SAS tokens it signs are accepted by Azurite for their blob only, and it reads properties and
 * containers there.
 */
class AzuriteStorageTest {
    private static final String ACCOUNT = "hubstorage";
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    @TempDir
    static Path azuriteData;
    static AzuriteProcess azurite;
    static StorageAccountContract contract;

    @BeforeAll
    static void linkAzurite() {
        // The hub's first start made its CA and its server certificate for the address, which Azurite serves with.
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        String base64Key = Base64.getEncoder().encodeToString(key);
        azurite = AzuriteProcess.start(hub.address(), ACCOUNT, base64Key,
                hub.dataDirectory().resolve(HubCertificates.SERVER_CERTIFICATE),
                hub.dataDirectory().resolve(HubCertificates.SERVER_KEY), azuriteData);
        String connectionString = "DefaultEndpointsProtocol=https;AccountName=" + ACCOUNT + ";AccountKey=" + base64Key
                + ";BlobEndpoint=" + azurite.blobEndpoint(ACCOUNT) + ";";
        hub.restartWith(settings -> settings.storageConnectionString(connectionString));
        contract = new StorageAccountContract(hub.hub.blobStorage(), connectionString,
                AzureStorageClients.trusting(hub.hub.caCertificateFile()));
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void uploadHostNameIsAzuritesEndpointWithoutScheme() {
        assertThat(hub.hub.blobStorage().uploadHostName()).isEqualTo(azurite.host + ":" + azurite.port + "/" + ACCOUNT);
    }

    @Test
    void signsSasTokensAzuriteAcceptsForTheirBlobOnly() throws Exception {
        contract.signsSasTokensTheSdkWritesWithForTheirBlobOnly();
    }

    @Test
    void readsAndWritesAzuriteContainersByUri() throws Exception {
        contract.readsAndWritesContainersByUri();
    }
}
