package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import io.github.iothubquickstart.localhub.storage.StorageAccountBlobStorage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's client of a storage account named by connection string, against an Azure Storage-compatible endpoint that
 * always runs here: another hub's built-in endpoint (AzuriteStorageTest checks it against Azurite).
 */
class StorageAccountBlobStorageTest {
    @RegisterExtension
    static final TestHub storageHub = TestHub.builder().build();
    static StorageAccountContract contract;

    @BeforeAll
    static void setUp() {
        String connectionString = storageHub.hub.storageConnectionString();
        StorageAccountBlobStorage storage = new StorageAccountBlobStorage(StorageConnectionString.parse(connectionString),
                TrustedCa.trustingSystemAnd(storageHub.hub.caCertificateFile()), Clock.systemUTC());
        contract = new StorageAccountContract(storage, connectionString,
                AzureStorageClients.trusting(storageHub.hub.caCertificateFile()));
    }

    @Test
    void signsSasTokensTheSdkWritesWithForTheirBlobOnly() throws Exception {
        contract.signsSasTokensTheSdkWritesWithForTheirBlobOnly();
    }

    @Test
    void readsAndWritesContainersByUri() throws Exception {
        contract.readsAndWritesContainersByUri();
    }
}
