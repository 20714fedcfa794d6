package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the printed connection strings point: the hub running on the data directory, as it published itself (so a
 * hub started with {@code --https-port 443} or {@code --bind 127.0.0.5} gets strings that reach it), with the
 * {@code --host-name} and {@code --https-port} options winning; with no hub running, the defaults a hub starts with.
 *
 * @param origin one line for the user: which hub was read, or that none runs
 */
record ConnectionTarget(String hostName, int httpsPort, int amqpPort, int eventHubsPort, String hubName,
                        String origin) {

    static ConnectionTarget of(Path dataDirectory, Optional<RunningHub> running, String hostNameOption,
                               Integer httpsPortOption) {
        String hostName = hostNameOption != null ? hostNameOption
                : running.map(RunningHub::hostName).orElse(LocalHub.DEFAULT_BIND_ADDRESS);
        int httpsPort = httpsPortOption != null ? httpsPortOption
                : running.map(RunningHub::httpsPort).orElse(LocalHub.DEFAULT_HTTPS_PORT);
        int amqpPort = running.map(RunningHub::amqpPort).orElse(LocalHub.DEFAULT_AMQP_PORT);
        // Hubs older than the Event Hubs-compatible endpoint published neither its name nor its port.
        Optional<RunningHub> withEventHubs = running.filter(hub -> hub.hubName() != null);
        int eventHubsPort = withEventHubs.map(RunningHub::eventHubsPort).orElse(LocalHub.DEFAULT_EVENT_HUBS_PORT);
        String hubName = withEventHubs.map(RunningHub::hubName).orElse(LocalHub.defaultHubName(hostName));
        String origin = running
                .map(hub -> "From the local hub running on " + hub.hostName() + " (HTTPS port " + hub.httpsPort()
                        + ", process " + hub.pid() + "), data directory " + dataDirectory)
                .orElse("No local hub runs on the data directory " + dataDirectory + ": the defaults a hub starts"
                        + " with (" + LocalHub.DEFAULT_BIND_ADDRESS + ", HTTPS port " + LocalHub.DEFAULT_HTTPS_PORT + ")")
                + given("--host-name", hostNameOption) + given("--https-port", httpsPortOption);
        return new ConnectionTarget(hostName, httpsPort, amqpPort, eventHubsPort, hubName, origin);
    }

    /** {@code host:port} as service connection strings write it: the host alone on 443, the SDKs' port. */
    String serviceHost() {
        return httpsPort == 443 ? hostName : hostName + ":" + httpsPort;
    }

    private static String given(String option, Object value) {
        return value == null ? "" : "; " + option + " " + value + " as given";
    }
}
