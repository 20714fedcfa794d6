package io.github.iothubquickstart.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.LocalHubNotRunningException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.SetTelemetryInterval;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The back-end's command line: options, validation, then one direct method call through a {@link MethodCaller}. */
@Command(
        name = "back-end-application",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Invokes a direct method on a device through IoT Hub and prints the device's status and payload.",
                "With --desired-interval or --show-twin it works on the device's twin instead.",
                "With --read-telemetry it prints the devices' telemetry, read from the hub's Event Hubs-compatible"
                        + " endpoint as Azure's quickstart does."},
        footerHeading = "%n",
        footer = {
            "Connection string: --connection-string, else the environment variable "
                    + ConnectionSettingsResolver.SERVICE_VARIABLE + " (with --read-telemetry: "
                    + TelemetrySource.ENVIRONMENT_VARIABLE + ", the Event Hubs-compatible one), else the local hub.",
            "",
            "Exit status:",
            "  0  the device answered with a 2xx status (twin: the twin was read or changed)",
            "  1  the device answered with an error status",
            "  2  bad option, payload or connection string",
            "  3  the device is registered but not connected",
            "  4  no device with that id in the hub",
            "  5  timeout: the device or the hub did not answer in time",
            "  6  the hub rejected the credentials",
            "  7  cannot reach the hub (connection refused, unknown host, TLS failure)",
            "  8  any other hub error"
        })
public final class BackEndCommand implements Callable<Integer> {

    static final String DEFAULT_DEVICE_ID = "MyJavaDevice";
    static final String DEFAULT_PAYLOAD = "10";
    static final int MIN_RESPONSE_TIMEOUT = 5;
    static final int MAX_RESPONSE_TIMEOUT = 300;
    static final int MIN_CONNECT_TIMEOUT = 0;
    static final int MAX_CONNECT_TIMEOUT = 300;

    @Option(names = "--device-id", paramLabel = "ID", description = "Device to call (default: ${DEFAULT-VALUE}).")
    String deviceId = DEFAULT_DEVICE_ID;

    @Option(names = "--method", paramLabel = "NAME", description = "Direct method to invoke (default: ${DEFAULT-VALUE}).")
    String methodName = SetTelemetryInterval.METHOD_NAME;

    /** --payload and --interval say the same thing two ways, so only one may be given. */
    static final class PayloadChoice {
        @Option(names = "--payload", paramLabel = "JSON",
                description = "Method payload as JSON, e.g. 10 or '{\"a\":1}' (default: " + DEFAULT_PAYLOAD + ").")
        String json;

        @Option(names = "--interval", paramLabel = "SECONDS",
                description = "Shorthand for --payload SECONDS: the new telemetry interval, "
                        + SetTelemetryInterval.MIN_SECONDS + " to " + SetTelemetryInterval.MAX_SECONDS + ".")
        Integer intervalSeconds;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    PayloadChoice payloadChoice;

    @Option(names = "--response-timeout", paramLabel = "SECONDS",
            description = "How long the hub waits for the device's answer, " + MIN_RESPONSE_TIMEOUT + " to "
                    + MAX_RESPONSE_TIMEOUT + " (default: ${DEFAULT-VALUE}).")
    int responseTimeoutSeconds = 30;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS",
            description = "How long the hub waits for the device to connect, " + MIN_CONNECT_TIMEOUT + " to "
                    + MAX_CONNECT_TIMEOUT + " (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds = 5;

    @Option(names = "--desired-interval", paramLabel = "SECONDS",
            description = "Set the desired telemetryInterval in the device's twin (" + SetTelemetryInterval.MIN_SECONDS
                    + " to " + SetTelemetryInterval.MAX_SECONDS + ") instead of invoking a method; the device"
                    + " applies it when connected.")
    Integer desiredInterval;

    @Option(names = "--show-twin",
            description = "Show the device's twin (connection state, reported and desired telemetryInterval)"
                    + " instead of invoking a method; after --desired-interval when both are given.")
    boolean showTwin;

    @Option(names = "--read-telemetry",
            description = "Print the devices' telemetry as it arrives, read with the Azure Event Hubs client from the"
                    + " hub's Event Hubs-compatible endpoint, until Ctrl+C; --connection-string is then that endpoint's"
                    + " (Azure portal: IoT hub > Built-in endpoints).")
    boolean readTelemetry;

    @Option(names = "--watch-uploads",
            description = "Print the hub's file upload notifications as devices report uploads done, completing each,"
                    + " until Ctrl+C (or --count N of them).")
    boolean watchUploads;

    @Option(names = "--from-start",
            description = "With --read-telemetry: first the messages the hub kept (retention), then new ones.")
    boolean fromStart;

    @Option(names = "--count", paramLabel = "N",
            description = "With --read-telemetry: stop after N messages; with --watch-uploads: after N notifications.")
    Integer count;

    @Option(names = "--connection-string", paramLabel = "STRING",
            description = "IoT hub connection string for a policy with 'service connect' "
                    + "(HostName=...;SharedAccessKeyName=...;SharedAccessKey=...). "
                    + "Default: the environment variable " + ConnectionSettingsResolver.SERVICE_VARIABLE + ".")
    String connectionString;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final ConnectionSettingsResolver<ServiceConnectionSettings> resolver;
    private final JsonPayloadParser payloadParser;
    private final MethodCaller caller;
    private final TwinCaller twinCaller;
    private final ConnectionSettingsResolver<TelemetrySource> telemetryResolver;
    private final TelemetryReader telemetryReader;
    private final UploadWatcher uploadWatcher;
    private final PrintStream out;
    private final PrintStream err;

    public BackEndCommand(ConnectionSettingsResolver<ServiceConnectionSettings> resolver,
            JsonPayloadParser payloadParser, MethodCaller caller, TwinCaller twinCaller,
            ConnectionSettingsResolver<TelemetrySource> telemetryResolver, TelemetryReader telemetryReader,
            UploadWatcher uploadWatcher, PrintStream out, PrintStream err) {
        this.uploadWatcher = uploadWatcher;
        this.resolver = resolver;
        this.telemetryResolver = telemetryResolver;
        this.telemetryReader = telemetryReader;
        this.payloadParser = payloadParser;
        this.caller = caller;
        this.twinCaller = twinCaller;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        requireRange("--response-timeout", responseTimeoutSeconds, MIN_RESPONSE_TIMEOUT, MAX_RESPONSE_TIMEOUT);
        requireRange("--connect-timeout", connectTimeoutSeconds, MIN_CONNECT_TIMEOUT, MAX_CONNECT_TIMEOUT);
        if (deviceId.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--device-id must not be empty");
        }
        if (methodName.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--method must not be empty");
        }
        boolean twin = desiredInterval != null || showTwin;
        if (readTelemetry) {
            return readTelemetry(twin);
        }
        if (watchUploads) {
            return watchUploads(twin);
        }
        if (fromStart || count != null) {
            throw new ParameterException(spec.commandLine(), "--from-start and --count go with --read-telemetry"
                    + " (--count also with --watch-uploads)");
        }
        if (twin && (payloadChoice != null || spec.commandLine().getParseResult().hasMatchedOption("--method"))) {
            throw new ParameterException(spec.commandLine(), "--desired-interval and --show-twin work on the twin"
                    + " and invoke no method: leave out --method, --payload and --interval");
        }
        if (desiredInterval != null) {
            requireRange("--desired-interval", desiredInterval, SetTelemetryInterval.MIN_SECONDS,
                    SetTelemetryInterval.MAX_SECONDS);
        }
        if (twin) {
            TwinRequest request = new TwinRequest(deviceId, desiredInterval, showTwin);
            return withSettings(resolver, settings -> twinCaller.call(settings, request));
        }
        MethodCall call = new MethodCall(deviceId, methodName, payload(), responseTimeoutSeconds,
                connectTimeoutSeconds);
        return withSettings(resolver, settings -> caller.call(settings, call));
    }

    /** Runs {@code action} with the settings {@code settingsResolver} finds, or prints why there are none. */
    private <S> int withSettings(ConnectionSettingsResolver<S> settingsResolver, Function<S, Outcome> action) {
        S settings;
        try {
            settings = settingsResolver.resolve(connectionString);
        } catch (LocalHubNotRunningException e) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: " + e.getMessage()).print(out, err);
        } catch (ConfigurationException e) {
            return new Outcome(ExitStatus.BAD_INPUT, "error: " + e.getMessage()).print(out, err);
        }
        return action.apply(settings).print(out, err);
    }

    private int readTelemetry(boolean twin) {
        if (twin || payloadChoice != null || spec.commandLine().getParseResult().hasMatchedOption("--method")
                || spec.commandLine().getParseResult().hasMatchedOption("--device-id")) {
            throw new ParameterException(spec.commandLine(), "--read-telemetry prints every device's telemetry and"
                    + " calls nothing: leave out --device-id, --method, --payload, --interval, --desired-interval and"
                    + " --show-twin");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        return withSettings(telemetryResolver, source -> telemetryReader.read(source, fromStart, count, out));
    }

    private int watchUploads(boolean twin) {
        if (twin || fromStart || payloadChoice != null || spec.commandLine().getParseResult().hasMatchedOption("--method")
                || spec.commandLine().getParseResult().hasMatchedOption("--device-id")) {
            throw new ParameterException(spec.commandLine(), "--watch-uploads prints every device's file uploads and"
                    + " calls nothing: leave out --device-id, --method, --payload, --interval, --desired-interval,"
                    + " --show-twin and --from-start");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        return withSettings(resolver, settings -> uploadWatcher.watch(settings, count, out));
    }

    private JsonElement payload() {
        if (payloadChoice != null && payloadChoice.intervalSeconds != null) {
            int seconds = payloadChoice.intervalSeconds;
            requireRange("--interval", seconds, SetTelemetryInterval.MIN_SECONDS, SetTelemetryInterval.MAX_SECONDS);
            return new JsonPrimitive(seconds);
        }
        String json = payloadChoice != null && payloadChoice.json != null ? payloadChoice.json : DEFAULT_PAYLOAD;
        try {
            return payloadParser.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(),
                    option + " must be from " + min + " to " + max + ", got " + value);
        }
    }
}
