package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.common.LocalHubNotRunningException;
import io.github.iothubquickstart.localhubclient.LocalHubClientException;
import io.github.iothubquickstart.localhubclient.LocalHubDataDirectory;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.nio.file.Path;
import java.util.Optional;

/**
 * With no Event Hubs-compatible connection string, the back-end reads telemetry from the local hub running on the
 * data directory, through the endpoint's emulator-mode port that hub published.
 */
final class LocalHubEventHubs implements LocalHubFallback<TelemetrySource> {
    private final Environment environment;
    private final String host;

    LocalHubEventHubs(Environment environment, String host) {
        this.environment = environment;
        this.host = host;
    }

    @Override
    public TelemetrySource settings() throws ConfigurationException {
        Path dataDirectory = LocalHubDataDirectory.resolve(null, environment::get);
        try {
            RunningHub hub = LocalHubFinder.find(dataDirectory, host, LocalHubDefault.PORT).orElseThrow(() ->
                    new LocalHubNotRunningException("no Event Hubs-compatible connection string given and no local hub"
                            + " is running on " + host + ": start the simulated device first (it starts one), or"
                            + " java -jar local-hub/target/local-hub.jar, or pass --connection-string"));
            String connectionString = hub.eventHubsConnectionString().orElseThrow(() -> new ConfigurationException(
                    "the local hub on " + host + " serves no plain Event Hubs port (started with --event-hubs-port 0,"
                            + " or an older hub): pass its connection-string --event-hubs --tls as --connection-string"));
            return new TelemetrySource(connectionString, Optional.empty());
        } catch (LocalHubClientException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
