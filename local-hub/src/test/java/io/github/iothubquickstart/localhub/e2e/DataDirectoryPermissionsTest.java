package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub restarted, as an unprivileged user, on a data directory where half the files belong to another user (root:
 * as after one start with sudo): the hub refuses to start, naming the files and the fix, exits with a non-zero
 * status, binds nothing, and changes nothing (no file rewritten, created or regenerated: keys never are). After the
 * fix it prints, the same hub starts with the same CA and keys.
 *
 * <p>Root ignores permission bits, so the hub runs in its own JVM as user {@code nobody} ({@code setpriv}); the test
 * is skipped, saying why, where it cannot switch users (not root, no setpriv).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataDirectoryPermissionsTest {
    private static final String NOBODY = "65534";
    private static final String ADDRESS = LoopbackAddresses.pickFree(8883, 8443, 5671, 5672);

    @TempDir
    Path scratch;

    @Test
    void aHubThatCannotUseHalfItsFilesRefusesToStartAndTouchesNothing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "Skipped: only root can run the hub as another user to see permission bits at work");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")),
                "Skipped: no /usr/bin/setpriv to run the hub as user nobody");
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classPath = classPathNobodyCanRead(scratch.resolve("classpath"));
        Path data = scratch.resolve("data");
        LocalHub.builder().bindAddress(ADDRESS).dataDirectory(data).httpsPort(0).webSocketPort(0).build().start().close();
        run("chown", "-R", NOBODY + ":" + NOBODY, data.toString());
        List<Path> files = regularFiles(data);
        List<Path> givenToRoot = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            // Every other file, and the two private keys: the ones a hub must never regenerate behind one's back.
            if (i % 2 == 0 || file.getFileName().toString().endsWith("-key.pem")) {
                givenToRoot.add(file);
                run("chown", "0:0", file.toString());
            }
        }
        Map<Path, String> before = snapshot(data);

        Result refused = startAsNobody(classPath, data);

        assertThat(refused.exitStatus()).as("exit status; output:\n%s", refused.output()).isNotZero();
        assertThat(refused.output())
                .contains("cannot read or write")
                .contains(givenToRoot.get(0).toString())
                .contains("owner root")
                .contains("sudo chown -R nobody " + data)
                .contains("Nothing was started or changed")
                .doesNotContain("is running")
                .doesNotContain("issuing a new");
        for (int port : new int[] {8883, 8443, 5671, 5672}) {
            assertThat(listening(port)).as("something listens on %s:%d", ADDRESS, port).isFalse();
        }
        assertThat(snapshot(data)).as("every file, its owner, mode and content").isEqualTo(before);

        run("chown", "-R", "nobody", data.toString());
        Result fixed = startAsNobody(classPath, data);
        assertThat(fixed.output()).as("after the fix it printed").contains("is running");
        for (Path key : List.of(data.resolve("ca-key.pem"), data.resolve("ca.pem"), data.resolve("server-key.pem"))) {
            assertThat(sha256(key)).as("%s kept", key).isEqualTo(before.get(key).split(" ")[0]);
        }
    }

    private record Result(int exitStatus, String output) {
    }

    /**
     * Starts the hub's CLI as user nobody; returns when it exits or, once it printed that it is running, after
     * stopping it.
     */
    private Result startAsNobody(String classPath, Path data) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", java, "-cp", classPath, "io.github.iothubquickstart.localhub.cli.LocalHubCli", "start",
                "--bind", ADDRESS, "--websocket-port", "0", "--data-dir", data.toString())
                .directory(scratch.toFile())
                .redirectErrorStream(true)
                .start();
        StringBuilder output = new StringBuilder();
        try (var lines = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                if (line.contains("Press Ctrl+C to stop.")) {
                    process.toHandle().destroy(); // SIGTERM; unlike Process.destroy it leaves the output to read
                }
            }
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the hub process ended").isTrue();
        return new Result(process.exitValue(), output.toString());
    }

    /**
     * This JVM's class path where user nobody can read it: jars hard-linked (or copied) into one open directory,
     * class directories copied. Root's own home, where Maven keeps the jars, is closed to others.
     */
    private static String classPathNobodyCanRead(Path directory) throws Exception {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Paths.get(entry);
            Path target = directory.resolve((index++) + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                run("cp", "-r", source.toString(), target.toString());
                run("chmod", "-R", "a+rX", target.toString());
            } else if (Files.isRegularFile(source)) {
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException otherFileSystem) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            } else {
                continue;
            }
            entries.add(target.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static List<Path> regularFiles(Path data) throws IOException {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    /** Every entry with its content's hash (files), owner and mode: what must not change. */
    private static Map<Path, String> snapshot(Path data) throws Exception {
        Map<Path, String> state = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path path : walk.toList()) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                state.put(path, (attributes.isRegularFile() ? sha256(path) : "directory") + " "
                        + attributes.owner().getName() + " " + PosixFilePermissions.toString(attributes.permissions()));
            }
        }
        return state;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ADDRESS, port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0).as("%s: %s",
                String.join(" ", command), output).isTrue();
    }
}
