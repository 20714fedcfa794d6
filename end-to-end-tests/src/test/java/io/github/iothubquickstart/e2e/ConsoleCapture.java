package io.github.iothubquickstart.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

    /** Waits until stdout contains {@code expected}; fails after {@code timeout} with everything printed. */
    void awaitStdout(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(expected)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("never printed \"" + expected + "\" within " + timeout.toSeconds() + " s; "
                        + this);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Override
    public String toString() {
        return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }
}
