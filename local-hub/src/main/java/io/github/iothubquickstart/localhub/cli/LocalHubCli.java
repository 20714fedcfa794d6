package io.github.iothubquickstart.localhub.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar local-hub.jar}: the local IoT hub's command line; with no command it starts the hub. */
@Command(name = "local-hub",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "An IoT Hub-compatible server on loopback, so the unmodified Azure IoT SDKs run against it:",
                "devices over MQTT/TLS (port 8883), AMQP/TLS (5671), either over WebSockets (443), or HTTPS (443);",
                "services over HTTPS REST (port 8443)."},
        subcommands = {
                StartCommand.class,
                DeviceCommand.class,
                CaCertificateCommand.class,
                EnrollmentCommand.class,
                ConnectionStringCommand.class,
                MonitorCommand.class,
                FaultCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"",
                "Environment:",
                "  LOCAL_IOTHUB_DATA_DIR  data directory (CA, keys, registry),",
                "                         default ~/.local-iothub",
                "",
                "With no command, 'start' runs."})
public final class LocalHubCli implements Runnable {
    public static void main(String[] args) {
        // Short log lines on the console: level and class, no thread or package.
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.exit(newCommandLine().execute(args.length == 0 ? new String[] {"start"} : args));
    }

    /** The command line as {@link #main} runs it, for embedders and tests that run commands in-process. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new LocalHubCli());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(new FriendlyErrors());
        return commandLine;
    }

    @Override
    public void run() {
        // Options without a command ("local-hub --data-dir x") also start the hub.
        throw new CommandLine.ParameterException(new CommandLine(this), "Name a command: start, device, ca-certificate, connection-string or monitor.");
    }
}
