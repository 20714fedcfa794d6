package io.github.iothubquickstart.localhub.data;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The check that the hub may use its data directory, made before it opens, creates or rewrites anything in it and
 * before it binds a port: every directory in it must be readable, writable and searchable, and every file readable
 * and writable, by the user the hub runs as. A hub restarted by another user than the one that created its files
 * (often: once run with sudo, then without) would otherwise fail half-way through its start on whichever file it
 * opens first, with advice meant for a damaged file (delete it, move it away) that would lose keys and messages,
 * or would silently issue a new server certificate in place of one it cannot read.
 */
public final class DataDirectoryAccess {
    /** Listed by path; more are counted, not listed. */
    private static final int MAX_LISTED = 20;

    private DataDirectoryAccess() {
    }

    /**
     * Does nothing when {@code directory} does not exist yet (the hub creates it); otherwise refuses with every
     * file the hub could not use, its owner and mode, and the fix.
     *
     * @throws IllegalStateException naming the files and the fix; nothing was changed
     */
    public static void requireUsable(Path directory) {
        if (Files.notExists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<String> problems = new ArrayList<>();
        int[] found = {0};
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
                        note(dir, "a directory it must read, search and write in");
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && (!Files.isReadable(file) || !Files.isWritable(file))) {
                        note(file, "a file it must read and write");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    note(file, "cannot even be looked at (" + e.getClass().getSimpleName() + ")");
                    return FileVisitResult.CONTINUE;
                }

                private void note(Path path, String what) {
                    found[0]++;
                    if (problems.size() < MAX_LISTED) {
                        problems.add("  " + path + " (" + ownerAndMode(path) + "): " + what);
                    }
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot look through the data directory " + directory + " (" + e + ")", e);
        }
        if (found[0] > 0) {
            throw new IllegalStateException(message(directory, problems, found[0]));
        }
    }

    private static String message(Path directory, List<String> problems, int found) {
        String user = System.getProperty("user.name");
        StringBuilder text = new StringBuilder("the data directory ").append(directory).append(" has ").append(found)
                .append(found == 1 ? " entry" : " entries").append(" that the hub, running as user '").append(user)
                .append("', cannot read or write:\n");
        problems.forEach(problem -> text.append(problem).append('\n'));
        if (found > problems.size()) {
            text.append("  ... and ").append(found - problems.size()).append(" more\n");
        }
        return text.append("Nothing was started or changed. Give them back to '").append(user).append("': sudo chown -R ")
                .append(user).append(' ').append(directory).append(" && chmod -R u+rwX ").append(directory)
                .append(" (or start the hub as the user who owns them). Do not delete them: they hold the hub's CA,")
                .append(" device keys and stored messages.").toString();
    }

    private static String ownerAndMode(Path path) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return "owner " + attributes.owner().getName() + ", " + PosixFilePermissions.toString(attributes.permissions());
        } catch (IOException | UnsupportedOperationException e) {
            return "owner and mode unknown";
        }
    }
}
