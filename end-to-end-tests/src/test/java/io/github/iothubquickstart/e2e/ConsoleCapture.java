package io.github.iothubquickstart.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What an app printed on its console, for assertions and for failure messages. */
final class ConsoleCapture {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }
}
