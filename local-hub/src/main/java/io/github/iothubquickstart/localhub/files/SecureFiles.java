package io.github.iothubquickstart.localhub.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only files and directories, written atomically. On file systems without POSIX permissions
 * (Windows) the modes are skipped; the user's profile directory protects the files there.
 */
public final class SecureFiles {

    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> WORLD_READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {
    }

    public static boolean posixSupported() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    public static void createOwnerOnlyFile(Path file) throws IOException {
        Files.createFile(file, attributes(OWNER_ONLY_FILE));
    }

    /** Creates the directory (and missing parents, with default modes) and gives it mode 700. */
    public static void createOwnerOnlyDirectory(Path directory) throws IOException {
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createDirectory(directory, attributes(OWNER_ONLY_DIRECTORY));
        // The umask may have removed bits from the requested mode; never added any.
        setPermissions(directory, OWNER_ONLY_DIRECTORY);
    }

    /**
     * Replaces {@code target} with {@code content} so that readers see the old file or the new one,
     * never a partial one: a temporary file in the same directory, synced, then renamed.
     */
    public static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp",
                attributes(OWNER_ONLY_FILE));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            setPermissions(temporary, permissions);
            move(temporary, target);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Creates {@code file}, owner-only, holding {@code content}, unless it exists. Written completely beside it, then
     * linked into place: a link never replaces an existing file, so when two processes race the first one's content
     * stands for both, and nobody reads a half-written file.
     */
    public static void createOwnerOnlyOnce(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            createOwnerOnlyFile(temporary);
            Files.write(temporary, content);
            try {
                Files.createLink(file, temporary);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process made it first: its content stands.
            }
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a stray temporary file holds content nobody uses
            }
        }
    }

    public static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (posixSupported()) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static FileAttribute<?>[] attributes(Set<PosixFilePermission> permissions) {
        return posixSupported()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
