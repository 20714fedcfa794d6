package io.github.iothubquickstart.localhub.data;

import java.nio.file.attribute.PosixFilePermissions;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import io.github.iothubquickstart.localhub.tls.HubCertificates;
import io.github.iothubquickstart.localhubclient.LocalHubDataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The local hub's private directory: CA, server certificate and registry live here. */
public final class DataDirectory {

    public static final String ENVIRONMENT_VARIABLE = LocalHubDataDirectory.ENVIRONMENT_VARIABLE;
    public static final String DEFAULT_DIRECTORY_NAME = LocalHubDataDirectory.DEFAULT_DIRECTORY_NAME;
    public static final String REGISTRY_DATABASE = "registry.db";
    /** The Device Provisioning Service's ID scope, enrollments and registration states. */
    public static final String PROVISIONING_DATABASE = "provisioning.db";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.complementOf(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));

    private final Path path;

    private DataDirectory(Path path) {
        this.path = path;
    }

    /**
     * Where the data lives: the command-line option if given, else {@value #ENVIRONMENT_VARIABLE},
     * else {@code ${user.home}/.local-iothub}.
     *
     * @param env environment lookup, usually {@code System::getenv}
     */
    public static Path resolve(String optionValueOrNull, Function<String, String> env) {
        // One rule for the hub and the apps that look for it: the client module's.
        return LocalHubDataDirectory.resolve(optionValueOrNull, env);
    }

    /** Creates the directory with mode 700 if absent; an existing one open to others is restricted to 700. */
    public static DataDirectory openOrCreate(Path dir) {
        Path path = dir.toAbsolutePath().normalize();
        // Before anything is opened, created or rewritten in it (and so before any port is bound).
        DataDirectoryAccess.requireUsable(path);
        try {
            boolean created = false;
            if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    SecureFiles.createOwnerOnlyDirectory(path);
                    created = true;
                    LOG.info("created data directory {}", path);
                } catch (FileAlreadyExistsException raced) {
                    // Another process or thread created it between the check and here: use theirs.
                }
            }
            if (!created) {
                requireDirectory(path);
                restrictToOwner(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + path + " (" + e + ")", e);
        }
        return new DataDirectory(path);
    }

    /** An existing directory, created by the hub; nothing is created or changed. */
    public static DataDirectory openExisting(Path dir) {
        Path path = dir.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new NoHubDataException(path);
        }
        requireDirectory(path);
        return new DataDirectory(path);
    }

    public Path path() {
        return path;
    }

    public Path caCertificateFile() {
        return path.resolve(HubCertificates.CA_CERTIFICATE);
    }

    public Path registryDatabaseFile() {
        return path.resolve(REGISTRY_DATABASE);
    }

    public Path provisioningDatabaseFile() {
        return path.resolve(PROVISIONING_DATABASE);
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private static void requireDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("data directory " + path + " exists but is not a directory:"
                    + " move it away or choose another data directory");
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        if (!SecureFiles.posixSupported()) {
            return;
        }
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
        if (current.stream().anyMatch(GROUP_OR_OTHER::contains)) {
            LOG.warn("data directory {} was accessible to other users ({}); restricting it to its owner", path,
                    PosixFilePermissions.toString(current));
            SecureFiles.setPermissions(path, SecureFiles.OWNER_ONLY_DIRECTORY);
        }
    }
}
