package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.SetTelemetryInterval;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The simulated device's command line: options, validation, then hand-over to a {@link DeviceLauncher}. */
@Command(
        name = "simulated-device",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Sends simulated temperature and humidity telemetry to an IoT hub and answers the "
                    + "SetTelemetryInterval direct method.",
            "Stop it with ENTER or Ctrl+C."
        },
        footerHeading = "%n",
        footer = {
            "Connection string: --connection-string, else the environment variable "
                    + ConnectionSettingsResolver.DEVICE_VARIABLE + ", else the local hub.",
            "SetTelemetryInterval takes a JSON number of seconds from " + SetTelemetryInterval.MIN_SECONDS
                    + " to " + SetTelemetryInterval.MAX_SECONDS + " (e.g. 10, or \"10\").",
            "Exit status: 0 stopped normally, 1 could not connect or failed, 2 bad option or connection string."
        })
public final class DeviceCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_INPUT = 2;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between messages, " + SetTelemetryInterval.MIN_SECONDS + " to "
                    + SetTelemetryInterval.MAX_SECONDS + " (default: ${DEFAULT-VALUE}).")
    int intervalSeconds = SetTelemetryInterval.DEFAULT_SECONDS;

    @Option(names = "--count", paramLabel = "N",
            description = "Stop after N messages (default: run until stopped).")
    Long count;

    @Option(names = "--connection-string", paramLabel = "STRING",
            description = "Device connection string (HostName=...;DeviceId=...;SharedAccessKey=...). "
                    + "Default: the environment variable " + ConnectionSettingsResolver.DEVICE_VARIABLE + ".")
    String connectionString;

    @Option(names = "--protocol", paramLabel = "PROTOCOL",
            description = "Transport: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Protocol protocol = Protocol.MQTT;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final ConnectionSettingsResolver<DeviceConnectionSettings> resolver;
    private final DeviceLauncher launcher;
    private final PrintStream err;

    public DeviceCommand(ConnectionSettingsResolver<DeviceConnectionSettings> resolver, DeviceLauncher launcher,
            PrintStream err) {
        this.resolver = resolver;
        this.launcher = launcher;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!SetTelemetryInterval.inRange(intervalSeconds)) {
            throw new ParameterException(spec.commandLine(), "--interval must be from "
                    + SetTelemetryInterval.rangeDescription() + ", got " + intervalSeconds);
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        DeviceConnectionSettings settings;
        try {
            settings = resolver.resolve(connectionString);
        } catch (ConfigurationException e) {
            err.println("error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        return launcher.launch(new DeviceConfig(settings, protocol, Duration.ofSeconds(intervalSeconds),
                count == null ? 0 : count));
    }
}
