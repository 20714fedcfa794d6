package io.github.iothubquickstart.localhub.tls;

import java.util.function.Supplier;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import io.github.iothubquickstart.localhub.tls.CertificateAuthority.ServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's TLS material in the data directory: a private CA kept forever ({@code ca.pem},
 * {@code ca-key.pem}) and the server certificate it issues ({@code server.pem},
 * {@code server-key.pem}), re-issued whenever it nears expiry or lacks a requested host name.
 *
 * <p>Clients trust {@code ca.pem}, so the CA is never replaced behind the user's back: any problem
 * with the CA files is an error telling the user what to do. The server certificate is derived
 * material, so a damaged one is simply re-issued.
 */
public final class HubCertificates {

    public static final String CA_CERTIFICATE = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String SERVER_CERTIFICATE = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(HubCertificates.class);

    private final Path directory;
    private final X509Certificate caCertificate;
    private final X509Certificate serverCertificate;

    private HubCertificates(Path directory, X509Certificate caCertificate, X509Certificate serverCertificate) {
        this.directory = directory;
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
    }

    /**
     * Loads the certificates from {@code dataDir}, creating the CA on first use and (re-)issuing the
     * server certificate when needed. The directory must exist.
     *
     * @param hostNames names clients use besides localhost, 127.0.0.1 and ::1 (IP literals allowed)
     * @throws CertificateStoreException if the CA files are incomplete, unreadable or expired
     */
    public static HubCertificates loadOrCreate(Path dataDir, Collection<String> hostNames, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        ServerNames names = ServerNames.including(hostNames);
        Path directory = dataDir.toAbsolutePath();
        try {
            CertificateAuthority ca = loadCa(directory).orElseGet(() -> createCa(directory, clock));
            requireUnexpired(directory, ca.certificate(), clock.instant());
            X509Certificate server = currentServerCertificate(directory, ca, names, clock)
                    .orElseGet(() -> issueServerCertificate(directory, ca, names, clock));
            return new HubCertificates(directory, ca.certificate(), server);
        } catch (UncheckedIOException e) {
            throw new CertificateStoreException("cannot write certificates in " + directory + " ("
                    + e.getCause() + "): check that the directory is yours and writable", e);
        }
    }

    /** Loads what the hub created, creating nothing; for clients such as the back-end app. */
    public static HubCertificates loadExisting(Path dataDir) {
        Path directory = dataDir.toAbsolutePath();
        for (String name : List.of(CA_CERTIFICATE, SERVER_CERTIFICATE)) {
            if (!Files.isRegularFile(directory.resolve(name))) {
                throw new CertificateStoreException("no " + name + " in " + directory
                        + ": start the local hub first so that it creates its certificates");
            }
        }
        return new HubCertificates(directory, Pem.readCertificate(directory.resolve(CA_CERTIFICATE)),
                Pem.readCertificate(directory.resolve(SERVER_CERTIFICATE)));
    }

    public Path caCertificateFile() {
        return directory.resolve(CA_CERTIFICATE);
    }

    public Path serverCertificateFile() {
        return directory.resolve(SERVER_CERTIFICATE);
    }

    public Path serverKeyFile() {
        return directory.resolve(SERVER_KEY);
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    private static Optional<CertificateAuthority> loadCa(Path directory) {
        Path certificateFile = directory.resolve(CA_CERTIFICATE);
        Path keyFile = directory.resolve(CA_KEY);
        boolean hasCertificate = Files.exists(certificateFile);
        boolean hasKey = Files.exists(keyFile);
        if (!hasCertificate && !hasKey) {
            return Optional.empty();
        }
        if (hasCertificate != hasKey) {
            Path present = hasCertificate ? certificateFile : keyFile;
            Path missing = hasCertificate ? keyFile : certificateFile;
            throw new CertificateStoreException(present + " exists but " + missing + " does not: restore "
                    + missing.getFileName() + " from a backup, or delete both " + CA_CERTIFICATE + " and " + CA_KEY
                    + " to create a new CA (every client must then trust the new " + CA_CERTIFICATE + ")");
        }
        X509Certificate certificate = readCaFile(certificateFile, () -> Pem.readCertificate(certificateFile));
        PrivateKey key = readCaFile(keyFile, () -> Pem.readPrivateKey(keyFile));
        if (!CertificateAuthority.keysMatch(key, certificate.getPublicKey())) {
            throw new CertificateStoreException(keyFile + " is not the key of " + certificateFile
                    + ": restore the matching pair from a backup, or delete both to create a new CA"
                    + " (every client must then trust the new " + CA_CERTIFICATE + ")");
        }
        tightenKeyPermissions(keyFile);
        return Optional.of(new CertificateAuthority(certificate, key));
    }

    private static <T> T readCaFile(Path file, Supplier<T> reader) {
        try {
            return reader.get();
        } catch (CertificateStoreException e) {
            throw new CertificateStoreException(e.getMessage() + ": restore it from a backup, or delete both "
                    + CA_CERTIFICATE + " and " + CA_KEY + " to create a new CA (every client must then trust the new "
                    + CA_CERTIFICATE + ")", e);
        }
    }

    private static CertificateAuthority createCa(Path directory, Clock clock) {
        CertificateAuthority ca = CertificateAuthority.create(clock);
        // Key first: a crash in between leaves "key without certificate", which is reported, never a CA
        // certificate that clients might trust while its key is lost.
        write(directory.resolve(CA_KEY), Pem.encode(ca.privateKey()), SecureFiles.OWNER_ONLY_FILE);
        write(directory.resolve(CA_CERTIFICATE), Pem.encode(ca.certificate()), SecureFiles.WORLD_READABLE_FILE);
        LOG.info("created CA {} in {}: clients must trust this file",
                ca.certificate().getSubjectX500Principal().getName(), directory.resolve(CA_CERTIFICATE));
        return ca;
    }

    private static void requireUnexpired(Path directory, X509Certificate ca, Instant now) {
        if (!now.isBefore(ca.getNotAfter().toInstant())) {
            throw new CertificateStoreException("the CA in " + directory.resolve(CA_CERTIFICATE) + " expired on "
                    + ca.getNotAfter().toInstant() + ": delete " + CA_CERTIFICATE + " and " + CA_KEY
                    + " to create a new CA (every client must then trust the new " + CA_CERTIFICATE + ")");
        }
    }

    /** The existing server certificate, unless it is missing, damaged, foreign, stale or lacks a name. */
    private static Optional<X509Certificate> currentServerCertificate(Path directory, CertificateAuthority ca,
            ServerNames names, Clock clock) {
        Path certificateFile = directory.resolve(SERVER_CERTIFICATE);
        Path keyFile = directory.resolve(SERVER_KEY);
        if (!Files.exists(certificateFile) || !Files.exists(keyFile)) {
            return Optional.empty();
        }
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.readCertificate(certificateFile);
            key = Pem.readPrivateKey(keyFile);
        } catch (CertificateStoreException e) {
            LOG.warn("{}; issuing a new server certificate", e.getMessage());
            return Optional.empty();
        }
        Optional<String> reason = reissueReason(certificate, key, ca, names, clock.instant());
        if (reason.isPresent()) {
            LOG.info("issuing a new server certificate: the current one {}", reason.get());
            return Optional.empty();
        }
        tightenKeyPermissions(keyFile);
        return Optional.of(certificate);
    }

    private static Optional<String> reissueReason(X509Certificate certificate, PrivateKey key,
            CertificateAuthority ca, ServerNames names, Instant now) {
        if (!ca.issued(certificate)) {
            return Optional.of("was not issued by the current CA");
        }
        if (!CertificateAuthority.keysMatch(key, certificate.getPublicKey())) {
            return Optional.of("does not match " + SERVER_KEY);
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            return Optional.of("is not valid before " + certificate.getNotBefore().toInstant());
        }
        if (!now.plus(RENEW_BEFORE_EXPIRY).isBefore(certificate.getNotAfter().toInstant())) {
            return Optional.of("expires on " + certificate.getNotAfter().toInstant());
        }
        if (!names.allCoveredBy(certificate)) {
            return Optional.of("does not cover all of " + names);
        }
        return Optional.empty();
    }

    private static X509Certificate issueServerCertificate(Path directory, CertificateAuthority ca,
            ServerNames names, Clock clock) {
        ServerCredentials server = ca.issueServerCertificate(names, clock);
        // Key first, then certificate: a reader that sees the new certificate also finds its key.
        write(directory.resolve(SERVER_KEY), Pem.encode(server.privateKey()), SecureFiles.OWNER_ONLY_FILE);
        write(directory.resolve(SERVER_CERTIFICATE), Pem.encode(server.certificate()),
                SecureFiles.WORLD_READABLE_FILE);
        LOG.info("issued server certificate for {}, valid until {}", names,
                server.certificate().getNotAfter().toInstant());
        return server.certificate();
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> mode) {
        try {
            SecureFiles.writeAtomically(file, content, mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void tightenKeyPermissions(Path keyFile) {
        try {
            if (SecureFiles.posixSupported()
                    && !Files.getPosixFilePermissions(keyFile).equals(SecureFiles.OWNER_ONLY_FILE)) {
                LOG.warn("{} was readable by others; restricting it to its owner", keyFile);
                SecureFiles.setPermissions(keyFile, SecureFiles.OWNER_ONLY_FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
