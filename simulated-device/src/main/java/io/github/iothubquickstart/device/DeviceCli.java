package io.github.iothubquickstart.device;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Wires picocli the same way for main and for tests: help on stdout, usage errors as one line on stderr. */
final class DeviceCli {

    private DeviceCli() {
    }

    static CommandLine commandLine(DeviceCommand command, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((exception, args) -> {
            // picocli prefixes some messages with "Error: "; ours already starts with "error: ".
            String message = exception.getMessage().replaceFirst("^Error: ", "").replaceAll("\\s+", " ").trim();
            err.println("error: " + message + " (see --help)");
            return DeviceCommand.EXIT_BAD_INPUT;
        });
        return commandLine;
    }
}
