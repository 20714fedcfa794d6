package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.Environment;
import java.time.Clock;

/** Entry point of the back-end application. */
public final class BackEndApplication {

    private BackEndApplication() {
    }

    public static void main(String[] args) {
        MethodCaller caller = new SdkMethodCaller(
                new DirectMethodsClientFactory(new ServiceSasTokenFactory(Clock.systemUTC())), new OutcomeMapper());
        BackEndCommand command = new BackEndCommand(
                ConnectionSettingsResolver.forService(Environment.system(), new LocalHubDefault()),
                new JsonPayloadParser(), caller, System.out, System.err);
        System.exit(BackEndCli.commandLine(command, System.out, System.err).execute(args));
    }
}
