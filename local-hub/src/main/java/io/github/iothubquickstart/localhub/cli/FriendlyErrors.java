package io.github.iothubquickstart.localhub.cli;

import picocli.CommandLine;

/** Turns a failure into one line that says what went wrong, instead of a stack trace. */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("local-hub: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return FAILURE;
    }
}
