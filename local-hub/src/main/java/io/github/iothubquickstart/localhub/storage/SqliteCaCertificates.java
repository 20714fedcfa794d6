package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.registry.CaCertificate;
import io.github.iothubquickstart.localhub.registry.CaCertificateAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.CaCertificateNotFoundException;
import io.github.iothubquickstart.localhub.registry.CaCertificateRules;
import io.github.iothubquickstart.localhub.registry.CaCertificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The trusted CA certificates in the registry database's {@code ca_certificate} table ({@link RegistrySchema}: the
 * registry must have opened the file first). The same file as the devices, so {@code local-hub ca-certificate add} on
 * a running hub's data directory counts at the hub's next check, as {@code device create} does: every read first
 * asks SQLite whether another connection committed ({@code PRAGMA data_version}, a header read) and re-reads the
 * table only then.
 */
public final class SqliteCaCertificates implements CaCertificates, AutoCloseable {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private final LockedConnection database;
    private final Clock clock;
    /** The table as last read; replaced whole. Guarded by the connection's lock for writes. */
    private volatile List<CaCertificate> cached = List.of();
    /** SQLite's count of other connections' commits when {@link #cached} was read; -1: never read. */
    private long seenDataVersion = -1;
    private PreparedStatement dataVersionQuery;

    private SqliteCaCertificates(LockedConnection database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public static SqliteCaCertificates open(Path databaseFile, Clock clock) {
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            return new SqliteCaCertificates(new LockedConnection("registry database", databaseFile,
                    config.createConnection("jdbc:sqlite:" + databaseFile)), clock);
        } catch (SQLException e) {
            throw new StorageException("registry database " + databaseFile + ": cannot open it for CA certificates ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public CaCertificate add(String name, X509Certificate certificate) {
        CaCertificateRules.requireValidName(name);
        Instant now = clock.instant();
        CaCertificateRules.requireTrustable(certificate, now);
        CaCertificate added = new CaCertificate(name, certificate, now);
        return database.inTransaction("add CA certificate " + name, () -> {
            for (CaCertificate existing : select()) {
                if (existing.name().equals(name)) {
                    throw new CaCertificateAlreadyExistsException("a CA certificate named \"" + name + "\" is"
                            + " already trusted (" + existing.subject() + "); remove it first to replace it");
                }
                if (existing.sha1Thumbprint().equals(added.sha1Thumbprint())) {
                    throw new CaCertificateAlreadyExistsException("this certificate (" + added.subject()
                            + ") is already trusted under the name \"" + existing.name() + "\"");
                }
            }
            try (PreparedStatement insert = database.connection().prepareStatement("INSERT INTO ca_certificate"
                    + " (name, certificate_pem, sha1_thumbprint, added_at_millis) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, name);
                insert.setString(2, pem(certificate));
                insert.setString(3, added.sha1Thumbprint());
                insert.setLong(4, now.toEpochMilli());
                insert.executeUpdate();
            }
            seenDataVersion = -1;
            return added;
        });
    }

    @Override
    public List<CaCertificate> list() {
        return database.withLock("read the CA certificates", () -> {
            if (dataVersionQuery == null) {
                dataVersionQuery = database.connection().prepareStatement("PRAGMA data_version");
            }
            long dataVersion;
            try (ResultSet row = dataVersionQuery.executeQuery()) {
                dataVersion = row.next() ? row.getLong(1) : -1;
            }
            if (dataVersion != seenDataVersion) {
                cached = List.copyOf(select());
                seenDataVersion = dataVersion;
            }
            return cached;
        });
    }

    @Override
    public void remove(String name) {
        database.inTransaction("remove CA certificate " + name, () -> {
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM ca_certificate WHERE name = ?")) {
                delete.setString(1, name);
                if (delete.executeUpdate() == 0) {
                    throw new CaCertificateNotFoundException(name);
                }
            }
            seenDataVersion = -1;
            return null;
        });
    }

    /** The certificates alone, for the check of a device's chain ({@code auth.TrustedCertificateAuthorities}). */
    public List<X509Certificate> trustedCertificates() {
        return list().stream().map(CaCertificate::certificate).toList();
    }

    @Override
    public void close() {
        database.close();
    }

    private List<CaCertificate> select() throws SQLException {
        List<CaCertificate> certificates = new ArrayList<>();
        try (PreparedStatement select = database.connection().prepareStatement(
                "SELECT name, certificate_pem, added_at_millis FROM ca_certificate ORDER BY name");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                certificates.add(new CaCertificate(rows.getString(1), parse(rows.getString(1), rows.getString(2)),
                        Instant.ofEpochMilli(rows.getLong(3))));
            }
        }
        return certificates;
    }

    private X509Certificate parse(String name, String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new StorageException("registry database " + database.file() + ": CA certificate \"" + name
                    + "\" is unreadable (" + e.getMessage() + "): remove it with local-hub ca-certificate remove"
                    + " --name " + name + " and add it again", e);
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + PEM_BASE64.encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded (" + e.getMessage() + ")", e);
        }
    }
}
