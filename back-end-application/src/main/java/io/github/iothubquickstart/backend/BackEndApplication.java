package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import java.io.PrintStream;
import java.time.Clock;

/** Entry point of the back-end application, and its wiring for end-to-end tests. */
public final class BackEndApplication {

    private BackEndApplication() {
    }

    public static void main(String[] args) {
        // A direct method is not idempotent: the JDK must not silently send a POST again after a broken connection.
        System.setProperty("sun.net.http.retryPost", "false");
        System.exit(run(Environment.system(), System.out, System.err, LocalHubDefaults.BIND_ADDRESS, args));
    }

    /**
     * Invokes one direct method as the command line says and returns the exit status.
     *
     * @param localHubAddress where the zero-config local hub is looked for: 127.0.0.1 for users, another loopback
     *                        address in tests
     */
    public static int run(Environment environment, PrintStream out, PrintStream err, String localHubAddress,
                          String... args) {
        ServiceSasTokenFactory tokens = new ServiceSasTokenFactory(Clock.systemUTC());
        OutcomeMapper outcomes = new OutcomeMapper(DeviceCreationHint.forEnvironment(environment));
        MethodCaller caller = new SdkMethodCaller(new DirectMethodsClientFactory(tokens), outcomes);
        TwinCaller twinCaller = new SdkTwinCaller(new TwinClientFactory(tokens), outcomes);
        ConnectionSettingsResolver<ServiceConnectionSettings> resolver = new ConnectionSettingsResolver<>(
                ConnectionSettingsResolver.SERVICE_VARIABLE, environment,
                text -> ServiceConnectionStrings.parse(text, environment),
                new LocalHubDefault(environment, localHubAddress));
        ConnectionSettingsResolver<TelemetrySource> telemetryResolver = new ConnectionSettingsResolver<>(
                TelemetrySource.ENVIRONMENT_VARIABLE, environment, text -> TelemetrySource.parse(text, environment),
                new LocalHubEventHubs(environment, localHubAddress));
        BackEndCommand command = new BackEndCommand(resolver, new JsonPayloadParser(), caller, twinCaller,
                telemetryResolver, new SdkTelemetryReader(), new SdkUploadWatcher(tokens), out, err);
        return BackEndCli.commandLine(command, out, err).execute(args);
    }
}
