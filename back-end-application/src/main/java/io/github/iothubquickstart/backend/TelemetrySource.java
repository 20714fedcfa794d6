package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhubclient.LocalHubTrust;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Where the back-end reads telemetry: an Event Hubs-compatible connection string (IoT Hub's "Built-in endpoints", or a
 * local hub's), and for one over TLS to a hub on this machine the local hub's CA to trust besides the usual ones.
 *
 * @param connectionString {@code Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...;EntityPath=...}
 * @param trust            what the Event Hubs client's TLS must trust; empty for the JVM's default (Azure) or plain AMQP
 */
record TelemetrySource(String connectionString, Optional<SSLContext> trust) {
    static final String ENVIRONMENT_VARIABLE = "IOTHUB_EVENTHUB_CONNECTION_STRING";

    /** Checks the fields the Event Hubs client needs, so a wrong string is one clear line rather than a stack trace. */
    static TelemetrySource parse(String text, Environment environment) throws ConfigurationException {
        String endpoint = null;
        boolean entityPath = false;
        boolean emulator = false;
        boolean key = false;
        for (String field : text.split(";")) {
            int equals = field.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = field.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = field.substring(equals + 1).trim();
            switch (name) {
                case "endpoint" -> endpoint = value;
                case "entitypath" -> entityPath = !value.isEmpty();
                case "usedevelopmentemulator" -> emulator = Boolean.parseBoolean(value);
                case "sharedaccesskey", "sharedaccesssignature" -> key = !value.isEmpty();
                default -> {
                }
            }
        }
        if (endpoint == null || !endpoint.startsWith("sb://")) {
            throw new ConfigurationException("an Event Hubs-compatible connection string starts with Endpoint=sb://..."
                    + " (Azure portal: your IoT hub > Built-in endpoints > Event Hub-compatible endpoint)");
        }
        if (!entityPath) {
            throw new ConfigurationException("the Event Hubs-compatible connection string needs EntityPath=<event hub"
                    + " name> (the portal's Event Hub-compatible name)");
        }
        if (!key) {
            throw new ConfigurationException("the Event Hubs-compatible connection string needs SharedAccessKey=...");
        }
        String host = URI.create(endpoint).getHost();
        Optional<SSLContext> trust = emulator || host == null ? Optional.empty()
                : LocalHubTrust.forHost(host, environment::get);
        return new TelemetrySource(text, trust);
    }

    @Override
    public String toString() {
        // The connection string holds a key.
        return "TelemetrySource[trust=" + trust.isPresent() + "]";
    }
}
