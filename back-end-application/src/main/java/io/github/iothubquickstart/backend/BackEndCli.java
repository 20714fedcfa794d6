package io.github.iothubquickstart.backend;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Wires picocli the same way for main and for tests: help on stdout, usage errors as one line on stderr. */
final class BackEndCli {

    private BackEndCli() {
    }

    static CommandLine commandLine(BackEndCommand command, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((exception, args) -> {
            // picocli prefixes some messages with "Error: "; ours already starts with "error: ".
            String message = exception.getMessage().replaceFirst("^Error: ", "").replaceAll("\\s+", " ").trim();
            err.println("error: " + message + " (see --help)");
            return ExitStatus.BAD_INPUT.code();
        });
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            err.println("error: unexpected failure: " + exception);
            return ExitStatus.HUB_ERROR.code();
        });
        return commandLine;
    }
}
