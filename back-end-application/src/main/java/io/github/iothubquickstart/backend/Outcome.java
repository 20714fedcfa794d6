package io.github.iothubquickstart.backend;

import java.io.PrintStream;

/**
 * What the user sees: one line and an exit status. Success goes to stdout, failures to stderr.
 */
public record Outcome(ExitStatus status, String message) {

    public boolean isSuccess() {
        return status == ExitStatus.OK;
    }

    public int print(PrintStream out, PrintStream err) {
        (isSuccess() ? out : err).println(message);
        return status.code();
    }
}
