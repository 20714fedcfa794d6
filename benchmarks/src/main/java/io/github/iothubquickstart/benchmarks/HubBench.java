package io.github.iothubquickstart.benchmarks;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hub-bench}: load scenarios against the local hub, side by side with Mosquitto where that compares. */
@Command(name = "hub-bench", mixinStandardHelpOptions = true,
        description = "Measures the local hub (and Mosquitto, for MQTT scenarios) under load.",
        subcommands = {ConnectScenario.class, TelemetryScenario.class, MethodsScenario.class,
                SdkRoundtripScenario.class, StartupScenario.class, SoakScenario.class})
public final class HubBench {

    public static void main(String[] args) {
        // Per-connection INFO lines from the MQTT client and the SDKs would measure the console, not the hub.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.exit(new CommandLine(new HubBench()).execute(args));
    }
}
