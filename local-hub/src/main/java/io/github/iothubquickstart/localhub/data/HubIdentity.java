package io.github.iothubquickstart.localhub.data;

import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.storage.SqliteCaCertificates;
import io.github.iothubquickstart.localhub.provisioning.IdScopes;
import io.github.iothubquickstart.localhub.storage.SqliteDeviceRegistry;
import io.github.iothubquickstart.localhub.storage.SqliteProvisioningStore;
import io.github.iothubquickstart.localhub.tls.HubCertificates;
import io.github.iothubquickstart.localhub.storage.SqliteTwinStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything that makes a local hub "the same hub" across restarts: data directory, certificates, registry, and the
 * Device Provisioning Service's ID scope and enrollments.
 */
public final class HubIdentity implements AutoCloseable {

    /** Serialises first-time creation between processes sharing a data directory. */
    private static final String CREATION_LOCK_FILE = ".creation.lock";
    /** FileChannel locks are per process, so threads of one JVM also need a lock of their own. */
    private static final Object CREATION_LOCK_IN_THIS_JVM = new Object();

    private final DataDirectory dataDirectory;
    private final HubCertificates certificates;
    private final SqliteDeviceRegistry registry;
    private final SqliteTwinStore twins;
    private final SqliteCaCertificates caCertificates;
    private final SqliteProvisioningStore provisioning;
    private final String idScope;

    private HubIdentity(DataDirectory dataDirectory, HubCertificates certificates, SqliteDeviceRegistry registry,
                        Clock clock) {
        this.dataDirectory = dataDirectory;
        this.certificates = certificates;
        this.registry = registry;
        // Opened after the registry, which creates or migrates the schema the twin table belongs to.
        this.twins = SqliteTwinStore.open(registry.databaseFile(), clock);
        this.caCertificates = SqliteCaCertificates.open(registry.databaseFile(), clock);
        this.provisioning = SqliteProvisioningStore.open(dataDirectory.provisioningDatabaseFile());
        // Made once in a data directory's life (by the hub or the CLI, whichever comes first), kept in its file.
        this.idScope = provisioning.idScope(() -> IdScopes.generate(new SecureRandom()));
    }

    /** For the hub: creates whatever is missing (CA, server certificate, seeded registry). */
    public static HubIdentity openOrCreate(Path dataDir, Collection<String> hostNames, Clock clock) {
        DataDirectory directory = DataDirectory.openOrCreate(dataDir);
        return whileHoldingCreationLock(directory, () -> {
            HubCertificates certificates = HubCertificates.loadOrCreate(directory.path(), hostNames, clock);
            SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(directory.registryDatabaseFile(), clock);
            return new HubIdentity(directory, certificates, registry, clock);
        });
    }

    /**
     * For clients such as the back-end app: opens what the hub created and creates nothing.
     *
     * @throws NoHubDataException if the directory or any of its files is missing
     */
    public static HubIdentity openExisting(Path dataDir) {
        DataDirectory directory = DataDirectory.openExisting(dataDir);
        for (Path required : List.of(directory.caCertificateFile(),
                directory.path().resolve(HubCertificates.SERVER_CERTIFICATE), directory.registryDatabaseFile())) {
            if (!Files.isRegularFile(required)) {
                throw new NoHubDataException(directory.path(), required.getFileName().toString());
            }
        }
        HubCertificates certificates = HubCertificates.loadExisting(directory.path());
        SqliteDeviceRegistry registry = SqliteDeviceRegistry.openExisting(directory.registryDatabaseFile());
        return new HubIdentity(directory, certificates, registry, Clock.systemUTC());
    }

    public DataDirectory dataDirectory() {
        return dataDirectory;
    }

    public HubCertificates certificates() {
        return certificates;
    }

    public SqliteDeviceRegistry registry() {
        return registry;
    }

    /** The device twins, in the registry's database. */
    public SqliteTwinStore twins() {
        return twins;
    }

    /** The CA certificates the hub trusts ({@code local-hub ca-certificate}), in the registry's database. */
    public SqliteCaCertificates caCertificates() {
        return caCertificates;
    }

    /**
     * The same CA certificates as a device's chain is checked against: read on every call, so a certificate added or
     * removed by another process on this data directory (the CLI while the hub runs) counts at once.
     */
    public TrustedCertificateAuthorities certificateAuthorities() {
        return caCertificates::trustedCertificates;
    }

    /** The Device Provisioning Service's enrollments and registration states ({@code provisioning.db}). */
    public SqliteProvisioningStore provisioning() {
        return provisioning;
    }

    /** The ID scope devices register in ({@code 0ne} and 8 hex digits), the same for the life of the directory. */
    public String idScope() {
        return idScope;
    }

    @Override
    public void close() {
        caCertificates.close();
        provisioning.close();
        twins.close();
        registry.close();
    }

    private static <T> T whileHoldingCreationLock(DataDirectory directory, Supplier<T> work) {
        synchronized (CREATION_LOCK_IN_THIS_JVM) {
            Path lockFile = directory.path().resolve(CREATION_LOCK_FILE);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = channel.lock();
                try {
                    return work.get();
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile + " (" + e + ")", e);
            }
        }
    }
}
