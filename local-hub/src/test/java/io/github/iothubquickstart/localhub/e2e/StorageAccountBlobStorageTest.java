package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import io.github.iothubquickstart.localhub.storage.StorageAccountBlobStorage;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's client of a storage account named by connection string, against an Azure Storage-compatible endpoint that
 * always runs here: another hub's built-in endpoint (AzuriteStorageTest checks it against Azurite).
 */
class StorageAccountBlobStorageTest {
    @TempDir
    static Path dataDirectory;
    static TestHub storageHub;
    static StorageAccountContract contract;

    @BeforeAll
    static void start() {
        storageHub = new TestHub(LoopbackAddresses.pickFree(8883, 8443, 5671), dataDirectory);
        String connectionString = storageHub.hub.storageConnectionString();
        StorageAccountBlobStorage storage = new StorageAccountBlobStorage(StorageConnectionString.parse(connectionString),
                TrustedCa.trustingSystemAnd(storageHub.hub.caCertificateFile()), Clock.systemUTC());
        contract = new StorageAccountContract(storage, connectionString,
                AzureStorageClients.trusting(storageHub.hub.caCertificateFile()));
    }

    @AfterAll
    static void stop() {
        storageHub.close();
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
