package io.github.iothubquickstart.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An unpacked distribution run as a user without a JDK runs it: bin/local-hub in a clean environment whose PATH holds
 * only a shell and the few tools the launcher uses (no java), and no JAVA_HOME.
 */
final class Distribution {
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path home;
    private final Path tools;
    private final Path work;
    private int runs;

    /** A finished command: its exit code and what it printed on each stream. */
    record Result(int exitCode, String out, String err) {
    }

    private Distribution(Path home, Path tools, Path work) {
        this.home = home;
        this.tools = tools;
        this.work = work;
    }

    /** Unpacks {@code tarball} with tar into {@code directory}, as the README says; the one top directory is home. */
    static Distribution unpack(Path tarball, Path directory) throws IOException, InterruptedException {
        Path unpacked = Files.createDirectories(directory.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .inheritIO().start();
        if (!tar.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            throw new IllegalStateException("tar -xzf " + tarball + " failed");
        }
        List<Path> tops;
        try (var list = Files.list(unpacked)) {
            tops = list.toList();
        }
        if (tops.size() != 1) {
            throw new IllegalStateException("the tarball should hold one top directory, not " + tops);
        }
        Path tools = Files.createDirectories(directory.resolve("tools"));
        for (String tool : List.of("sh", "readlink")) {
            Files.copy(locate(tool), tools.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return new Distribution(tops.get(0), tools, Files.createDirectories(directory.resolve("work")));
    }

    Path home() {
        return home;
    }

    Path tools() {
        return tools;
    }

    /** Runs bin/local-hub (or {@code launcher}) with {@code args} to its end. */
    Result run(List<String> args) throws IOException, InterruptedException {
        return run(home.resolve("bin/local-hub"), Map.of(), args);
    }

    Result run(Path launcher, Map<String, String> extraEnvironment, List<String> args)
            throws IOException, InterruptedException {
        Path out = work.resolve("out-" + ++runs + ".txt");
        Path err = work.resolve("err-" + runs + ".txt");
        Process process = start(launcher, extraEnvironment, args, out, err);
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("local-hub " + args + " did not end within " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Starts bin/local-hub with {@code args}, its output to {@code out} and {@code err}; does not wait. */
    Process start(List<String> args, Path out, Path err) throws IOException {
        return start(home.resolve("bin/local-hub"), Map.of(), args, out, err);
    }

    private Process start(Path launcher, Map<String, String> extraEnvironment, List<String> args, Path out, Path err)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.put("PATH", tools.toString());
        environment.put("HOME", work.toString());
        environment.putAll(extraEnvironment);
        return builder.start();
    }

    /** Runs {@code sh -c script} in the same clean environment, e.g. to show that no java is on its PATH. */
    Result shell(String script) throws IOException, InterruptedException {
        return run(tools.resolve("sh"), Map.of(), List.of("-c", script));
    }

    private static Path locate(String tool) {
        for (String directory : System.getenv("PATH").split(":")) {
            Path candidate = Path.of(directory, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not on this machine's PATH");
    }
}
